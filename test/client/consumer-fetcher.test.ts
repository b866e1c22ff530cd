import { expect } from 'chai';
import type { ConnectionPool } from '../../lib/client/connection-pool';
import { ConsumerFetcher, decodeFetchedRecords } from '../../lib/client/consumer-fetcher';
import { resolveConsumerOptions } from '../../lib/client/consumer-options';
import type { MetadataCache } from '../../lib/client/metadata-cache';
import { FetchedRecords } from '../../lib/client/fetched-records';
import { ConsumerRecord, PartitionState } from '../../lib/client/partition-state';
import { stampBatch } from '../../lib/record/batch-header';
import { encodeRecordBatch } from '../../lib/record/record-batch';

/** A batch of `count` records "v<offset>" whose first offset is `baseOffset`, as a broker would store it. */
function batchAt(baseOffset: number, count: number): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`v${baseOffset + i}`), timestamp: 1000 + i }));
  const buf = encodeRecordBatch(records);
  stampBatch(buf, 0, baseOffset, 3);
  return buf;
}

describe('client/consumer-fetcher', () => {
  describe('decodeFetchedRecords', () => {
    it('skips records below the fetch offset when the first batch starts earlier', () => {
      const data = Buffer.concat([batchAt(10, 5), batchAt(15, 5)]);
      const decoded = decodeFetchedRecords('t', 0, data, 13);
      expect(decoded.records.map((r) => r.offset)).to.deep.equal([13, 14, 15, 16, 17, 18, 19]);
      expect(decoded.records[0]).to.deep.include({ topic: 't', partition: 0, timestampType: 'CreateTime', leaderEpoch: 3 });
      expect(decoded.records[0].value!.toString()).to.equal('v13');
      expect(decoded.nextOffset).to.equal(20);
    });

    it('drops whole batches that end before the fetch offset', () => {
      const decoded = decodeFetchedRecords('t', 0, Buffer.concat([batchAt(0, 5), batchAt(5, 2)]), 6);
      expect(decoded.records.map((r) => r.offset)).to.deep.equal([6]);
    });

    it('ignores a partial batch at the end of the response', () => {
      const second = batchAt(3, 3);
      const data = Buffer.concat([batchAt(0, 3), second.subarray(0, second.length - 7)]);
      const decoded = decodeFetchedRecords('t', 1, data, 0);
      expect(decoded.records.map((r) => r.offset)).to.deep.equal([0, 1, 2]);
      expect(decoded.nextOffset).to.equal(3);
      expect(decoded.partialBytes).to.equal(second.length - 7);
    });

    it('returns nothing for an empty record set', () => {
      expect(decodeFetchedRecords('t', 0, null, 7)).to.deep.equal({ records: [], nextOffset: 7, partialBytes: 0 });
      expect(decodeFetchedRecords('t', 0, Buffer.alloc(0), 7).records).to.deep.equal([]);
    });
  });

  describe('PartitionState', () => {
    it('advances the position as records are taken, in chunks', () => {
      const state = new PartitionState('t', 0);
      state.moveTo(13, null);
      state.fill(new FetchedRecords(batchAt(10, 10), 13));
      const out: ConsumerRecord[] = [];
      expect(state.take(3, out)).to.equal(3);
      expect(state.position).to.equal(16);
      expect(state.buffered).to.equal(4);
      expect(state.take(100, out)).to.equal(4);
      expect(state.position).to.equal(20);
      expect(state.buffered).to.equal(0);
    });

    it('moves past batches that held no visible records', () => {
      const state = new PartitionState('t', 0);
      state.moveTo(5, null);
      // A control batch (offsets 5..8) holds nothing the application sees.
      const control = encodeRecordBatch([0, 1, 2, 3].map(() => ({ key: null, value: null })), { control: true });
      stampBatch(control, 0, 5, 0);
      state.fill(new FetchedRecords(control, 5));
      expect(state.position).to.equal(9);
    });

    it('forgets buffered records when the position is moved from outside', () => {
      const state = new PartitionState('t', 0);
      state.moveTo(0, null);
      state.fill(new FetchedRecords(batchAt(0, 4), 0));
      const epoch = state.epoch;
      state.moveTo(null, 'earliest');
      expect(state.buffered).to.equal(0);
      expect(state.epoch).to.equal(epoch + 1);
      expect(state.reset).to.equal('earliest');
    });
  });

  describe('ConsumerFetcher.sendFetches', () => {
    /** A fetcher whose fetches never complete; records which partitions each fetch asked for. */
    function fetcherWithLeaders(leaders: Record<number, number>): { fetcher: ConsumerFetcher; sent: number[][] } {
      const sent: number[][] = [];
      const pool = {
        forNode: async () => ({
          send: (_api: unknown, request: { topics: { partitions: { partition: number }[] }[] }) => {
            sent.push(request.topics.flatMap((t) => t.partitions.map((p) => p.partition)));
            return new Promise(() => undefined);
          },
        }),
      } as unknown as ConnectionPool;
      const metadata = { leaderFor: (_topic: string, partition: number) => leaders[partition], requestRefresh: () => undefined } as unknown as MetadataCache;
      const options = resolveConsumerOptions({ bootstrapServers: ['127.0.0.1:1'], groupId: 'g' });
      return { fetcher: new ConsumerFetcher(pool, metadata, options, () => undefined), sent };
    }

    function caughtUp(partition: number, offset: number): PartitionState {
      const state = new PartitionState('t', partition);
      state.moveTo(offset, null);
      state.highWatermark = offset;
      return state;
    }

    it('holds back a fetch that could only wait at the log end while another partition of that leader still has records to hand out', async () => {
      const { fetcher, sent } = fetcherWithLeaders({ 0: 1, 1: 1, 2: 2 });
      const draining = new PartitionState('t', 1);
      draining.moveTo(0, null);
      draining.fill(new FetchedRecords(batchAt(0, 4), 0));
      const atEnd = caughtUp(0, 7);
      const otherLeader = caughtUp(2, 3);
      fetcher.sendFetches([atEnd, draining, otherLeader]);
      await new Promise((resolve) => setImmediate(resolve));
      // Broker 2 has nothing else to serve: its long poll goes out; broker 1's waits for partition 1.
      expect(sent).to.deep.equal([[2]]);
      expect(fetcher.inFlight).to.equal(true);
      const out: ConsumerRecord[] = [];
      draining.take(100, out);
      fetcher.sendFetches([atEnd, draining, otherLeader]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sent).to.deep.equal([[2], [0, 1]]);
    });

    it('sends a fetch for a partition behind its high watermark, or whose high watermark is unknown, at once', async () => {
      const { fetcher, sent } = fetcherWithLeaders({ 0: 1, 1: 1, 2: 1 });
      const draining = new PartitionState('t', 1);
      draining.moveTo(0, null);
      draining.fill(new FetchedRecords(batchAt(0, 4), 0));
      const behind = caughtUp(0, 7);
      behind.highWatermark = 9;
      const unknown = new PartitionState('t', 2);
      unknown.moveTo(0, null);
      fetcher.sendFetches([behind, draining, unknown]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sent).to.deep.equal([[0, 2]]);
    });
  });
});

