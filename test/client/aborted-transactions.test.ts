import { expect } from 'chai';
import { Consumer } from '../../lib/client/consumer';
import { decodeFetchedRecords } from '../../lib/client/consumer-fetcher';
import { Api } from '../../lib/protocol/api';
import { FetchRequestData, FetchResponseData, ListOffsetsRequestData } from '../../lib/protocol/messages/produce-fetch';
import { stampBatch } from '../../lib/record/batch-header';
import { encodeEndTxnMarkerBatch } from '../../lib/record/control-record';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { FakeCluster } from './fake-broker';

/** A transactional batch of producer `pid` at `base`, records "<tag><i>". */
function txnBatch(base: number, pid: number, values: string[]): Buffer {
  const buf = encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1000 })), {
    producerId: pid, producerEpoch: 0, baseSequence: 0, transactional: true,
  });
  stampBatch(buf, 0, base, 0);
  return buf;
}

/** A control batch (COMMIT or ABORT marker) of producer `pid` at `offset`, as the broker writes it. */
function marker(offset: number, pid: number, commit: boolean): Buffer {
  const buf = encodeEndTxnMarkerBatch({ producerId: pid, producerEpoch: 0, committed: commit, coordinatorEpoch: 0, timestamp: 1000 });
  stampBatch(buf, 0, offset, 0);
  return buf;
}

function plainBatch(base: number, values: string[]): Buffer {
  const buf = encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1000 })));
  stampBatch(buf, 0, base, 0);
  return buf;
}

const valuesOf = (records: { value: Buffer | null }[]): string[] => records.map((r) => r.value!.toString());

/**
 * Offsets: 0-1 p7 (aborted), 2-3 p8 (committed), 4 plain, 5 p7 ABORT, 6 p8 COMMIT, 7-8 p7 again
 * (a later transaction, committed), 9 p7 COMMIT.
 */
function interleaved(): Buffer {
  return Buffer.concat([
    txnBatch(0, 7, ['x0', 'x1']), txnBatch(2, 8, ['c2', 'c3']), plainBatch(4, ['p4']), marker(5, 7, false), marker(6, 8, true),
    txnBatch(7, 7, ['c7', 'c8']), marker(9, 7, true),
  ]);
}

describe('client/aborted-transactions (read_committed)', function () {
  this.timeout(20000);

  it('drops the batches of aborted transactions and every control batch, keeping committed and plain records', () => {
    const decoded = decodeFetchedRecords('t', 0, interleaved(), 0, [{ producerId: 7, firstOffset: 0 }]);
    expect(valuesOf(decoded.records)).to.deep.equal(['c2', 'c3', 'p4', 'c7', 'c8']);
    expect(decoded.nextOffset).to.equal(10);
  });

  it('read_uncommitted (no aborted list) returns aborted records too, but never markers', () => {
    const decoded = decodeFetchedRecords('t', 0, interleaved(), 0, null);
    expect(valuesOf(decoded.records)).to.deep.equal(['x0', 'x1', 'c2', 'c3', 'p4', 'c7', 'c8']);
  });

  it('applies an aborted transaction only from its first offset on, and only to its producer', () => {
    // p7's later transaction (7-8) is the aborted one: its first batch of the earlier one stays.
    const decoded = decodeFetchedRecords('t', 0, Buffer.concat([
      txnBatch(0, 7, ['a0']), marker(1, 7, true), txnBatch(2, 8, ['b2']), txnBatch(3, 7, ['x3']), marker(4, 7, false), marker(5, 8, true),
    ]), 0, [{ producerId: 7, firstOffset: 3 }]);
    expect(valuesOf(decoded.records)).to.deep.equal(['a0', 'b2']);
  });

  it('handles aborted transactions given in any order', () => {
    const decoded = decodeFetchedRecords('t', 0, Buffer.concat([
      txnBatch(0, 1, ['x0']), txnBatch(1, 2, ['y1']), marker(2, 2, false), marker(3, 1, false), txnBatch(4, 2, ['k4']), marker(5, 2, true),
    ]), 0, [{ producerId: 2, firstOffset: 1 }, { producerId: 1, firstOffset: 0 }]);
    expect(valuesOf(decoded.records)).to.deep.equal(['k4']);
  });

  describe('the consumer against a fake broker', () => {
    let cluster: FakeCluster;
    const fetches: FetchRequestData[] = [];
    const listOffsets: ListOffsetsRequestData[] = [];

    beforeEach(async () => {
      cluster = await FakeCluster.start(1);
      cluster.topics.set('t', [{ leader: 1 }]);
      fetches.length = 0;
      listOffsets.length = 0;
      const records = interleaved();
      cluster.broker(1).on(Api.Fetch, async (req): Promise<FetchResponseData> => {
        fetches.push(req);
        const offset = req.topics[0].partitions[0].fetchOffset;
        if (offset >= 10) await new Promise((r) => setTimeout(r, 20));
        const committed = req.isolationLevel === 1;
        return {
          throttleTimeMs: 0, errorCode: 0,
          topics: [{ name: 't', partitions: [{
            partitionIndex: 0, errorCode: 0, highWatermark: 14, lastStableOffset: 10, logStartOffset: 0,
            abortedTransactions: committed ? [{ producerId: 7, firstOffset: 0 }] : null, records: offset < 10 ? records : null,
          }] }],
        };
      });
      cluster.broker(1).on(Api.ListOffsets, (req) => {
        listOffsets.push(req);
        return { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 0, leaderEpoch: 0 }] }] };
      });
    });

    afterEach(async () => {
      await cluster.stop();
    });

    it('asks for read_committed in Fetch and ListOffsets, skips aborted records and reports lag to the last stable offset', async () => {
      const c = new Consumer({ bootstrapServers: cluster.bootstrap, isolationLevel: 'read_committed', fetchMaxWaitMs: 20 });
      try {
        c.assign([{ topic: 't', partition: 0 }]);
        const got: string[] = [];
        for (let i = 0; i < 50 && got.length < 5; i++) got.push(...valuesOf(await c.poll(20)));
        expect(got).to.deep.equal(['c2', 'c3', 'p4', 'c7', 'c8']);
        expect(fetches[0].isolationLevel).to.equal(1);
        expect(listOffsets[0].isolationLevel).to.equal(1);
        expect(await c.position({ topic: 't', partition: 0 })).to.equal(10);
        expect(c.metrics()['records-lag-max']).to.equal(0);
      } finally {
        await c.close();
      }
    });

    it('read_uncommitted is the default: isolation level 0 and every record', async () => {
      const c = new Consumer({ bootstrapServers: cluster.bootstrap, fetchMaxWaitMs: 20 });
      try {
        c.assign([{ topic: 't', partition: 0 }]);
        const got: string[] = [];
        for (let i = 0; i < 50 && got.length < 7; i++) got.push(...valuesOf(await c.poll(20)));
        expect(got).to.deep.equal(['x0', 'x1', 'c2', 'c3', 'p4', 'c7', 'c8']);
        expect(fetches[0].isolationLevel).to.equal(0);
        expect(c.metrics()['records-lag-max']).to.equal(4);
      } finally {
        await c.close();
      }
    });
  });
});
