import { expect } from 'chai';
import { getLogger } from '../../lib/util/logger';
import { decodeTxnLogKey, decodeTxnLogValue, encodeTxnLogKey, encodeTxnLogValue } from '../../lib/transaction/txn-log-records';
import { TxnMetadata } from '../../lib/transaction/txn-state';
import { TxnTopic } from '../../lib/transaction/txn-topic';
import { TxnCoordinatorConfig } from '../../lib/transaction/txn-config';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const ONGOING: TxnMetadata = {
  transactionalId: 'tx', producerId: 7, lastProducerId: -1, producerEpoch: 1, lastProducerEpoch: -1, txnTimeoutMs: 60_000,
  state: 'Ongoing', partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }], txnStartTimestamp: 900, txnLastUpdateTimestamp: 1000,
};

describe('transaction/txn-log-records', () => {
  it('writes the key as Kafka\'s TransactionLogKey v0: version, transactional id', () => {
    expect(encodeTxnLogKey('tx')).to.deep.equal(hex('0000 0002 7478'));
    expect(decodeTxnLogKey(hex('0000 0002 7478'))).to.equal('tx');
  });

  it('writes the value as Kafka\'s TransactionLogValue v0 (golden bytes from the spec)', () => {
    const golden = hex([
      '0000', //                        version 0
      '0000000000000007', //            producerId
      '0001', //                        producerEpoch
      '0000ea60', //                    transactionTimeoutMs 60000
      '01', //                          transactionStatus Ongoing
      '00000001 0001 74', //            one topic: "t"
      '00000002 00000000 00000002', //  partitions 0 and 2
      '00000000000003e8', //            transactionLastUpdateTimestampMs 1000
      '0000000000000384', //            transactionStartTimestampMs 900
    ].join(''));
    expect(encodeTxnLogValue(ONGOING).toString('hex')).to.equal(golden.toString('hex'));
    expect(decodeTxnLogValue('tx', golden)).to.deep.equal(ONGOING);
  });

  it('writes a null partition list for an Empty transaction, as Kafka', () => {
    const empty: TxnMetadata = { ...ONGOING, state: 'Empty', partitions: [], txnStartTimestamp: -1 };
    const bytes = encodeTxnLogValue(empty);
    expect(bytes.subarray(17, 21).toString('hex')).to.equal('ffffffff');
    expect(bytes[16]).to.equal(0);
    expect(decodeTxnLogValue('tx', bytes)).to.deep.equal(empty);
  });

  it('refuses unknown versions, unknown states and trailing bytes', () => {
    expect(() => decodeTxnLogKey(hex('0001 0002 7478'))).to.throw(/version 1/);
    const bad = encodeTxnLogValue(ONGOING);
    bad[16] = 9;
    expect(() => decodeTxnLogValue('tx', bad)).to.throw(/transaction status 9/);
    expect(() => decodeTxnLogKey(hex('0000 0002 7478 00'))).to.throw(/trailing/);
  });
});

describe('transaction/txn-topic', () => {
  const config = { numPartitions: 50 } as TxnCoordinatorConfig;
  const topic = (partitions?: number) => new TxnTopic(config, {
    partitions: () => (partitions === undefined ? undefined : Array.from({ length: partitions }, () => ({ leader: 1 }))),
    broker: () => ({ host: 'h', port: 1 }),
    liveBrokers: () => [1],
  }, { createTopics: async () => [{ errorCode: 0, errorMessage: null }] }, getLogger('test'));

  it('places a transactional id as Kafka: abs(String.hashCode) % partitions', () => {
    // "hello".hashCode() == 99162322.
    expect(topic().partitionFor('hello')).to.equal(99162322 % 50);
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE, which Kafka's Utils.abs maps to 0.
    expect(topic().partitionFor('polygenelubricants')).to.equal(0);
    // The topic's real partition count wins over the configured one once it exists.
    expect(topic(7).partitionFor('hello')).to.equal(99162322 % 7);
  });

  it('answers COORDINATOR_NOT_AVAILABLE while creating the topic, and INVALID_REQUEST for an empty id', async () => {
    expect((await topic().findCoordinator('tx', 'PLAINTEXT')).errorCode).to.equal(15);
    expect((await topic(3).findCoordinator('', 'PLAINTEXT')).errorCode).to.equal(42);
    expect(await topic(3).findCoordinator('tx', 'PLAINTEXT')).to.include({ errorCode: 0, nodeId: 1, host: 'h', port: 1 });
  });
});
