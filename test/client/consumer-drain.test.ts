import { expect } from 'chai';
import { Consumer, ConsumerOptions } from '../../lib/client/consumer';
import { InvalidArgumentError } from '../../lib/client/client-errors';
import { ConsumerDrain } from '../../lib/client/consumer-drain';
import { FetchedRecords } from '../../lib/client/fetched-records';
import { PartitionState } from '../../lib/client/partition-state';
import { StringDeserializer } from '../../lib/client/serializers';
import { CorruptRecordError } from '../../lib/protocol/errors';
import { CRC_OFFSET, RECORD_COUNT_OFFSET, RECORDS_OFFSET, computeBatchCrc, stampBatch } from '../../lib/record/batch-header';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { RecordView } from '../../lib/record/record-view';
import { FakeCluster } from './fake-broker';
import { FakeLog, serveLogs } from './fake-log';

function filled(partition: number, count: number): PartitionState {
  const state = new PartitionState('t', partition);
  state.moveTo(0, null);
  const batch = encodeRecordBatch(Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`${partition}:${i}`) })));
  stampBatch(batch, 0, 0, 0);
  state.fill(new FetchedRecords(batch, 0));
  return state;
}

describe('client/consumer-drain', function () {
  this.timeout(20000);

  it('hands out one partition until it runs dry, then the next (Kafka\'s order), so partitions empty one at a time', () => {
    const states = [filled(0, 5), filled(1, 5), filled(2, 2)];
    const drain = new ConsumerDrain();
    const polls = [3, 3, 3, 3].map(() => drain.records(states, 3).map((r) => `${r.partition}:${r.offset}`));
    expect(polls).to.deep.equal([['0:0', '0:1', '0:2'], ['0:3', '0:4', '1:0'], ['1:1', '1:2', '1:3'], ['1:4', '2:0', '2:1']]);
    expect(states.map((s) => s.position)).to.deep.equal([5, 5, 2]);
  });

  it('visits the same records through one reused view, advancing positions', () => {
    const states = [filled(0, 3), filled(1, 2)];
    const seen: string[] = [];
    const views = new Set<unknown>();
    const n = new ConsumerDrain().visit(states, 10, (r, topic, partition) => {
      views.add(r);
      seen.push(`${topic}-${partition}@${r.offset}=${r.value()!.toString()}`);
    });
    expect(n).to.equal(5);
    expect(seen).to.deep.equal(['t-0@0=0:0', 't-0@1=0:1', 't-0@2=0:2', 't-1@0=1:0', 't-1@1=1:1']);
    expect(views.size).to.equal(1);
    expect(states.map((s) => [s.position, s.buffered])).to.deep.equal([[3, 0], [2, 0]]);
  });

  /** A batch at offset 2 whose one record's length disagrees with its fields (behind a valid CRC). */
  function corruptAt2(): Buffer {
    const base = encodeRecordBatch([{ key: null, value: null, timestamp: 0 }]);
    const bad = Buffer.concat([base.subarray(0, RECORDS_OFFSET), Buffer.from('0e0000000101000000', 'hex').subarray(0, 8)]);
    bad.writeInt32BE(bad.length - 12, 8);
    bad.writeInt32BE(1, RECORD_COUNT_OFFSET);
    stampBatch(bad, 0, 2, 0);
    bad.writeUInt32BE(computeBatchCrc(bad, 0, bad.length), CRC_OFFSET);
    return bad;
  }

  /** Records "a" and "b" at offsets 0 and 1, then the corrupt one. */
  function goodThenCorrupt(): PartitionState {
    const good = encodeRecordBatch([{ key: null, value: Buffer.from('a') }, { key: null, value: Buffer.from('b') }]);
    const state = new PartitionState('t', 0);
    state.moveTo(0, null);
    state.fill(new FetchedRecords(Buffer.concat([good, corruptAt2()]), 0));
    return state;
  }

  it('hands out the records before a corrupt one, then raises its error with the position left at it', () => {
    const state = goodThenCorrupt();
    const drain = new ConsumerDrain();
    expect(drain.records([state], 10).map((r) => r.value!.toString())).to.deep.equal(['a', 'b']);
    expect(() => drain.records([state], 10)).to.throw(CorruptRecordError, /declares 7 bytes but its fields take 6/);
    expect([state.position, state.buffered, state.error]).to.deep.equal([2, 0, null]);
  });

  it('visits the records before a corrupt one, then raises its error with the position left at it', () => {
    const state = goodThenCorrupt();
    const drain = new ConsumerDrain();
    const seen: string[] = [];
    expect(drain.visit([state], 100, (r) => seen.push(r.value()!.toString()))).to.equal(2);
    expect(seen).to.deep.equal(['a', 'b']);
    expect(() => drain.visit([state], 100, () => undefined)).to.throw(CorruptRecordError, /declares 7 bytes but its fields take 6/);
    expect([state.position, state.buffered, state.error]).to.deep.equal([2, 0, null]);
    // The view is shared by every partition: one that reads nothing before its corrupt record keeps its position.
    const view = new RecordView();
    filled(1, 7).visit(7, view, () => undefined);
    const again = new PartitionState('t', 0);
    again.moveTo(2, null);
    again.fill(new FetchedRecords(corruptAt2(), 2));
    expect(again.visit(10, view, () => undefined)).to.equal(0);
    expect(again.position).to.equal(2);
    expect(again.error).to.be.instanceOf(CorruptRecordError);
  });

  it('counts the record a throwing visit was given as consumed, and goes on after it next time', () => {
    const state = filled(0, 4);
    const drain = new ConsumerDrain();
    expect(() => drain.visit([state], 10, (r) => {
      if (r.offset === 1) throw new Error('application failure');
    })).to.throw('application failure');
    expect([state.position, state.buffered]).to.deep.equal([2, 2]);
    const rest: number[] = [];
    expect(drain.visit([state], 10, (r) => rest.push(r.offset))).to.equal(2);
    expect(rest).to.deep.equal([2, 3]);
    const last = filled(1, 2);
    expect(() => drain.visit([last], 10, (r) => {
      if (r.offset === 1) throw new Error('at the end');
    })).to.throw('at the end');
    expect([last.position, last.buffered]).to.deep.equal([2, 0]);
  });

  describe('Consumer.pollEach', () => {
    let cluster: FakeCluster;
    const consumers: Consumer<unknown, unknown>[] = [];

    function consumer<K = Buffer, V = Buffer>(options: Partial<ConsumerOptions<K, V>> = {}): Consumer<K, V> {
      const c = new Consumer<K, V>({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 10, fetchMaxWaitMs: 100, autoOffsetReset: 'earliest', ...options });
      consumers.push(c as Consumer<unknown, unknown>);
      return c;
    }

    beforeEach(async () => {
      cluster = await FakeCluster.start(1);
      cluster.topics.set('t', [{ leader: 1 }]);
      const log = new FakeLog();
      log.append(['a0', 'a1', 'a2']);
      log.append(['a3', 'a4']);
      serveLogs(cluster.broker(1), new Map([['t-0', log]]));
    });

    afterEach(async () => {
      for (const c of consumers.splice(0)) await c.close();
      await cluster.stop();
    });

    it('visits what poll() returns, at most maxPollRecords a call, and moves the position', async () => {
      const c = consumer({ maxPollRecords: 2 });
      c.assign([{ topic: 't', partition: 0 }]);
      const seen: string[] = [];
      const counts: number[] = [];
      const deadline = Date.now() + 5000;
      while (seen.length < 5 && Date.now() < deadline) {
        const n = await c.pollEach(100, (r) => seen.push(`${r.offset}:${r.value()!.toString()}:${r.keySize}`));
        if (n > 0) counts.push(n);
      }
      expect(seen).to.deep.equal(['0:a0:-1', '1:a1:-1', '2:a2:-1', '3:a3:-1', '4:a4:-1']);
      expect(Math.max(...counts)).to.equal(2);
      expect(await c.position({ topic: 't', partition: 0 })).to.equal(5);
    });

    it('refuses consumers with deserializers, whose records only poll() can build', async () => {
      const c = consumer<string, string>({ valueDeserializer: new StringDeserializer() });
      c.assign([{ topic: 't', partition: 0 }]);
      const err = await c.pollEach(10, () => undefined).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(InvalidArgumentError);
      expect((await c.poll(2000)).map((r) => r.value)).to.deep.equal(['a0', 'a1', 'a2', 'a3', 'a4']);
    });
  });
});
