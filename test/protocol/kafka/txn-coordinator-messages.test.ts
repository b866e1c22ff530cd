import { expect } from 'chai';
import {
  KafkaAddOffsetsToTxn, KafkaAddPartitionsToTxn, KafkaDescribeTransactions, KafkaEndTxn, KafkaListTransactions,
} from '../../../lib/protocol/kafka/messages/txn-coordinator';
import { fencedErrorFor } from '../../../lib/broker/kafka/txn-coordinator-handlers';
import { expectGolden, expectRoundTrips } from './golden';

/** Bytes below are written from Kafka's AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, DescribeTransactions and ListTransactions specs. */
describe('protocol/kafka transaction coordinator messages', () => {
  it('serves Kafka 2.8\'s versions: v0-3 flexible from v3, and v0 flexible for KIP-664\'s APIs', () => {
    for (const api of [KafkaAddPartitionsToTxn, KafkaAddOffsetsToTxn, KafkaEndTxn]) expect(api).to.include({ minVersion: 0, maxVersion: 3, flexibleFrom: 3 });
    for (const api of [KafkaDescribeTransactions, KafkaListTransactions]) expect(api).to.include({ minVersion: 0, maxVersion: 0, flexibleFrom: 0 });
    expect([KafkaAddPartitionsToTxn.key, KafkaAddOffsetsToTxn.key, KafkaEndTxn.key, KafkaDescribeTransactions.key, KafkaListTransactions.key]).to.deep.equal([24, 25, 26, 65, 66]);
  });

  it('reads and writes AddPartitionsToTxn v0 and v3', () => {
    const request = { transactionalId: 'tx', producerId: 7, producerEpoch: 0, topics: [{ name: 't', partitions: [0] }] };
    expectGolden(KafkaAddPartitionsToTxn, 'request', 0, '0002 7478 0000000000000007 0000 00000001 0001 74 00000001 00000000', request);
    expectGolden(KafkaAddPartitionsToTxn, 'request', 3, '03 7478 0000000000000007 0000 02 02 74 02 00000000 00 00', request);
    const response = { throttleTimeMs: 0, results: [{ name: 't', results: [{ partitionIndex: 0, errorCode: 51 }] }] };
    expectGolden(KafkaAddPartitionsToTxn, 'response', 0, '00000000 00000001 0001 74 00000001 00000000 0033', response);
    expectGolden(KafkaAddPartitionsToTxn, 'response', 3, '00000000 02 02 74 02 00000000 0033 00 00 00', response);
  });

  it('reads and writes AddOffsetsToTxn and EndTxn v3', () => {
    expectGolden(KafkaAddOffsetsToTxn, 'request', 3, '03 7478 0000000000000007 0001 02 67 00', { transactionalId: 'tx', producerId: 7, producerEpoch: 1, groupId: 'g' });
    expectGolden(KafkaEndTxn, 'request', 3, '03 7478 0000000000000007 0000 01 00', { transactionalId: 'tx', producerId: 7, producerEpoch: 0, committed: true });
    expectGolden(KafkaEndTxn, 'response', 3, '00000000 005a 00', { throttleTimeMs: 0, errorCode: 90 });
    expectGolden(KafkaEndTxn, 'response', 0, '00000000 002f', { throttleTimeMs: 0, errorCode: 47 });
  });

  it('reads and writes DescribeTransactions v0', () => {
    expectGolden(KafkaDescribeTransactions, 'request', 0, '02 03 7478 00', { transactionalIds: ['tx'] });
    expectGolden(KafkaDescribeTransactions, 'response', 0,
      '00000000 02 0000 03 7478 08 4f6e676f696e67 0000ea60 00000000000003e8 0000000000000007 0001 02 02 74 03 00000000 00000002 00 00 00', {
        throttleTimeMs: 0,
        transactionStates: [{
          errorCode: 0, transactionalId: 'tx', transactionState: 'Ongoing', transactionTimeoutMs: 60000, transactionStartTimeMs: 1000,
          producerId: 7, producerEpoch: 1, topics: [{ topic: 't', partitions: [0, 2] }],
        }],
      });
  });

  it('reads and writes ListTransactions v0', () => {
    expectGolden(KafkaListTransactions, 'request', 0, '02 08 4f6e676f696e67 01 00', { stateFilters: ['Ongoing'], producerIdFilters: [] });
    expectGolden(KafkaListTransactions, 'response', 0, '00000000 0000 01 02 03 7478 0000000000000007 08 4f6e676f696e67 00 00',
      { throttleTimeMs: 0, errorCode: 0, unknownStateFilters: [], transactionStates: [{ transactionalId: 'tx', producerId: 7, transactionState: 'Ongoing' }] });
  });

  it('round-trips every served version', () => {
    expectRoundTrips(KafkaEndTxn, { transactionalId: 'tx', producerId: 1, producerEpoch: 2, committed: false }, { throttleTimeMs: 5, errorCode: 51 });
    expectRoundTrips(KafkaAddOffsetsToTxn, { transactionalId: 'tx', producerId: 1, producerEpoch: 2, groupId: 'g' }, { throttleTimeMs: 0, errorCode: 0 });
  });

  it('answers PRODUCER_FENCED as INVALID_PRODUCER_EPOCH to clients older than KIP-588', () => {
    expect(fencedErrorFor(90, 1, 2)).to.equal(47);
    expect(fencedErrorFor(90, 2, 2)).to.equal(90);
    expect(fencedErrorFor(51, 0, 2)).to.equal(51);
  });
});
