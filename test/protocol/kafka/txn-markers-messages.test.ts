import { expect } from 'chai';
import { Api } from '../../../lib/protocol/api';
import { KafkaDescribeProducers, KafkaWriteTxnMarkers } from '../../../lib/protocol/kafka/messages/txn-markers';
import { encode } from '../../../lib/protocol/schema';
import { ATTRIBUTES_OFFSET, BASE_SEQUENCE_OFFSET } from '../../../lib/record/batch-header';
import { encodeControlRecordKey, encodeEndTxnMarkerBatch, encodeEndTxnMarkerValue, readEndTxnMarker } from '../../../lib/record/control-record';
import { expectGolden, expectRoundTrips } from './golden';

/** Bytes below are written from Kafka's WriteTxnMarkers (v0-1) and DescribeProducers (v0) specs and its ControlRecordType/EndTransactionMarker. */
describe('protocol/kafka txn-markers messages', () => {
  const request = { markers: [{ producerId: 5, producerEpoch: 1, transactionResult: true, topics: [{ name: 't', partitionIndexes: [0] }], coordinatorEpoch: 2 }] };
  const response = { markers: [{ producerId: 5, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 52 }] }] }] };

  it('reads and writes WriteTxnMarkers v0 (as the native v0) and v1 with compact encodings and tagged fields', () => {
    // markers(1): producerId 5 | epoch 1 | COMMIT | topics(1): "t" [0] | coordinatorEpoch 2
    const v0 = '00000001 0000000000000005 0001 01 00000001 0001 74 00000001 00000000 00000002';
    expectGolden(KafkaWriteTxnMarkers, 'request', 0, v0, request);
    expect(encode(Api.WriteTxnMarkers.request, request, 0).toString('hex')).to.equal(v0.replace(/ /g, ''));
    expectGolden(KafkaWriteTxnMarkers, 'request', 1, '02 0000000000000005 0001 01 02 0274 02 00000000 00 00000002 00 00', request);
    // markers(1): producerId 5 | topics(1): "t" | partitions(1): 0, error 52
    expectGolden(KafkaWriteTxnMarkers, 'response', 0, '00000001 0000000000000005 00000001 0001 74 00000001 00000000 0034', response);
    expectGolden(KafkaWriteTxnMarkers, 'response', 1, '02 0000000000000005 02 0274 02 00000000 0034 00 00 00 00', response);
    expectRoundTrips(KafkaWriteTxnMarkers, request, response);
  });

  it('reads and writes DescribeProducers v0 (flexible)', () => {
    const req = { topics: [{ name: 't', partitionIndexes: [3] }] };
    expectGolden(KafkaDescribeProducers, 'request', 0, '02 0274 02 00000003 00 00', req);
    const resp = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 3, errorCode: 0, errorMessage: null, activeProducers: [
      { producerId: 9, producerEpoch: 1, lastSequence: 4, lastTimestamp: 100, coordinatorEpoch: -1, currentTxnStartOffset: 40 },
    ] }] }] };
    // throttle | topics(1): "t" | partitions(1): 3, error 0, message null | producers(1): 9 1 4 100 -1 40, tags | tags | tags | tags
    expectGolden(KafkaDescribeProducers, 'response', 0,
      '00000000 02 0274 02 00000003 0000 00 02 0000000000000009 00000001 00000004 0000000000000064 ffffffff 0000000000000028 00 00 00 00', resp);
  });

  it("writes a marker as Kafka's control batch: transactional + control bits, sequence -1, key (0, type), value (0, coordinatorEpoch)", () => {
    expect(encodeControlRecordKey(false).toString('hex')).to.equal('00000000');
    expect(encodeControlRecordKey(true).toString('hex')).to.equal('00000001');
    expect(encodeEndTxnMarkerValue(7).toString('hex')).to.equal('000000000007');
    const batch = encodeEndTxnMarkerBatch({ producerId: 5, producerEpoch: 1, committed: false, coordinatorEpoch: 7, timestamp: 1000 });
    expect(batch.readInt16BE(ATTRIBUTES_OFFSET)).to.equal(0x30);
    expect(batch.readInt32BE(BASE_SEQUENCE_OFFSET)).to.equal(-1);
    expect(readEndTxnMarker(batch, 0)).to.deep.equal({ committed: false, coordinatorEpoch: 7 });
  });
});
