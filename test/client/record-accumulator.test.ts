import { expect } from 'chai';
import { estimateRecordSize, RecordMetadata } from '../../lib/client/producer-batch';
import { RecordAccumulator } from '../../lib/client/record-accumulator';
import { ProducerRecordData } from '../../lib/record/record';
import { encodeRecordBatch } from '../../lib/record/record-batch';

const noop = (): void => undefined;
const sameMemory = (a: Buffer, b: Buffer): boolean => a.buffer === b.buffer && a.byteOffset === b.byteOffset;

function record(valueBytes: number, timestamp = 1000): ProducerRecordData {
  return { key: null, value: Buffer.alloc(valueBytes, 1), timestamp };
}

describe('client/record-accumulator', () => {
  it('estimates record sizes close to what the encoder writes', () => {
    const records = [record(100), { key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: null }], timestamp: 1001 }];
    const estimated = 61 + records.reduce((sum, r) => sum + estimateRecordSize(r), 0);
    const actual = encodeRecordBatch(records).length;
    expect(estimated).to.be.at.least(actual);
    expect(estimated - actual).to.be.at.most(8);
  });

  it('fills a batch up to batch.size and starts the next one with the record that does not fit', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 50 });
    const size = estimateRecordSize(record(100));
    // A batch that holds one record right after an append was opened by it.
    const opened: boolean[] = [];
    for (let i = 0; i < 10; i++) opened.push(acc.append('t', 0, record(100), size, noop, 0).recordCount === 1);
    const batches = acc.queue('t', 0).batches;
    const perBatch = Math.floor((1000 - 61) / size);
    expect(batches.map((b) => b.recordCount)).to.deep.equal([perBatch, 10 - perBatch]);
    expect(opened.filter(Boolean)).to.have.length(2);
    expect(batches[0].closed).to.equal(true);
    expect(batches[1].closed).to.equal(false);
    expect(acc.bufferedBytes).to.equal(2 * 61 + 10 * size);
  });

  it('gives an oversized record a batch of its own', () => {
    const acc = new RecordAccumulator({ batchSize: 100, lingerMs: 0 });
    acc.append('t', 0, record(500), estimateRecordSize(record(500)), noop, 0);
    acc.append('t', 0, record(10), estimateRecordSize(record(10)), noop, 0);
    expect(acc.queue('t', 0).batches.map((b) => b.recordCount)).to.deep.equal([1, 1]);
  });

  it('keeps a partial batch until linger.ms has passed since it was created', () => {
    const acc = new RecordAccumulator({ batchSize: 16384, lingerMs: 20 });
    acc.append('t', 0, record(10), 20, noop, 1000);
    acc.append('t', 0, record(10), 20, noop, 1015);
    const q = acc.queue('t', 0);
    expect(acc.readyAtMs(q, false)).to.equal(1020);
    expect(acc.readyAtMs(q, true)).to.equal(0);
  });

  it('makes a full batch, or one with a batch behind it, ready at once', () => {
    const acc = new RecordAccumulator({ batchSize: 200, lingerMs: 1000 });
    const size = estimateRecordSize(record(100));
    acc.append('t', 0, record(100), size, noop, 0);
    acc.append('t', 0, record(100), size, noop, 0);
    expect(acc.queue('t', 0).batches).to.have.length(2);
    expect(acc.readyAtMs(acc.queue('t', 0), false)).to.equal(0);
    expect(acc.readyAtMs(acc.queue('t', 1), false)).to.equal(Infinity);
  });

  it('puts a retried batch back ahead of later batches and waits for its backoff', () => {
    const acc = new RecordAccumulator({ batchSize: 200, lingerMs: 0 });
    const size = estimateRecordSize(record(80));
    acc.append('t', 0, record(80), size, noop, 0);
    acc.append('t', 0, record(80), size, noop, 0);
    const q = acc.queue('t', 0);
    const first = acc.drainHead(q);
    expect(acc.hasOpenBatchWithRoom('t', 0, 1)).to.equal(true);
    first.attempts = 1;
    first.retryAtMs = 500;
    acc.requeue(first);
    expect(q.batches[0]).to.equal(first);
    expect(acc.readyAtMs(q, true)).to.equal(500);
  });

  it('stops counting a batch against buffer.memory once it is released', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 0 });
    const batch = acc.append('t', 3, record(10), 30, noop, 0);
    expect(acc.bufferedBytes).to.equal(91);
    acc.release(acc.drainHead(acc.queue('t', 3)));
    expect(acc.bufferedBytes).to.equal(0);
    expect(batch.closed).to.equal(true);
  });

  it('resolves every record of a completed batch with consecutive offsets', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 0 });
    const got: Array<{ offset: number; timestamp: number }> = [];
    for (let i = 0; i < 3; i++) acc.append('t', 1, record(5, 2000 + i), 20, (_err, m) => got.push(m!), 0);
    acc.drainHead(acc.queue('t', 1)).complete(40, -1);
    expect(got).to.deep.equal([40, 41, 42].map((offset, i) => ({ topic: 't', partition: 1, offset, timestamp: 2000 + i })));
  });

  it('reuses the buffer of a released batch for a later one, only when asked to', () => {
    const acc = new RecordAccumulator({ batchSize: 200, lingerMs: 0, bufferMemory: 1000 });
    const size = estimateRecordSize(record(100));
    const first = acc.append('t', 0, record(100), size, noop, 0);
    const bytes = first.encode('none');
    const drained = acc.drainHead(acc.queue('t', 0));
    drained.complete(0, -1);
    acc.release(drained, true);
    const second = acc.append('t', 0, record(100, 2000), size, noop, 0);
    // Same memory, new contents: the first batch's bytes were overwritten by the second's.
    expect(sameMemory(second.encode('none'), bytes)).to.equal(true);
    expect(second.encode('none').equals(encodeRecordBatch([record(100, 2000)]))).to.equal(true);
    const third = acc.append('t', 1, record(100), size, noop, 0);
    acc.release(acc.drainHead(acc.queue('t', 1)), false);
    third.complete(0, -1);
    expect(sameMemory(acc.append('t', 1, record(100), size, noop, 0).encode('none'), third.encode('none'))).to.equal(false);
  });

  it('drops a batch it opened for a record that cannot be encoded', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 0 });
    const bad = { key: null, value: null, headers: [{ key: 7 as unknown as string, value: null }], timestamp: 1 };
    expect(() => acc.append('t', 0, bad, 20, noop, 0)).to.throw(/header keys must be strings/);
    expect(acc.queue('t', 0).batches).to.have.length(0);
    expect(acc.bufferedBytes).to.equal(0);
  });

  it('expires the batches created at or before the deadline, oldest first, leaving later ones', () => {
    const acc = new RecordAccumulator({ batchSize: 100, lingerMs: 0 });
    const size = estimateRecordSize(record(80));
    for (const at of [10, 20, 30]) acc.append('t', 0, record(80), size, noop, at);
    acc.append('t', 1, record(80), size, noop, 15);
    const expired = acc.removeExpired(20);
    expect(expired.map((b) => [b.partition, b.createdAtMs])).to.deep.equal([[0, 10], [0, 20], [1, 15]]);
    expect(acc.queue('t', 0).batches.map((b) => b.createdAtMs)).to.deep.equal([30]);
    expect(acc.removeExpired(20)).to.deep.equal([]);
  });

  it('appends to a given batch only while it is its partition\'s open batch with room', () => {
    const acc = new RecordAccumulator({ batchSize: 300, lingerMs: 0 });
    const size = estimateRecordSize(record(100));
    const batch = acc.append('t', 0, record(100), size, noop, 0);
    expect(acc.appendToOpen(batch, record(100), size, noop)).to.equal(true);
    expect(batch.recordCount).to.equal(2);
    expect(acc.bufferedBytes).to.equal(61 + 2 * size);
    expect(acc.appendToOpen(batch, record(100), size, noop)).to.equal(false); // full
    const next = acc.append('t', 0, record(10), 20, noop, 0);
    expect(next).to.not.equal(batch);
    acc.drainHead(acc.queue('t', 0));
    expect(acc.appendToOpen(batch, record(1), 10, noop)).to.equal(false); // closed
    const expired = acc.removeExpired(0)[0];
    expect(expired).to.equal(next);
    expired.fail(new Error('expired'));
    expect(acc.appendToOpen(expired, record(1), 10, noop)).to.equal(false); // done
    expect(expired.recordCount).to.equal(1);
  });

  it('reports each record once, in order, with its own timestamp, when callbacks and timestamps repeat', () => {
    const acc = new RecordAccumulator({ batchSize: 10000, lingerMs: 0 });
    const got: Array<[string, number, number]> = [];
    const shared = (_err: Error | null, m?: RecordMetadata): void => { got.push(['shared', m!.offset, m!.timestamp]); };
    const own = (_err: Error | null, m?: RecordMetadata): void => { got.push(['own', m!.offset, m!.timestamp]); };
    const plan: Array<[typeof shared, number]> = [[shared, 5], [shared, 5], [own, 5], [shared, 6], [shared, 6], [shared, 6], [own, 7]];
    for (const [callback, timestamp] of plan) acc.append('t', 0, record(1, timestamp), 10, callback, 0);
    const batch = acc.drainHead(acc.queue('t', 0));
    batch.complete(100, -1);
    expect(got).to.deep.equal(plan.map(([callback, timestamp], i) => [callback === shared ? 'shared' : 'own', 100 + i, timestamp]));
    const failed: Array<[Error | null, number | undefined]> = [];
    for (let i = 0; i < 3; i++) acc.append('t', 2, record(1), 10, (err, _m, partition) => failed.push([err, partition]), 0);
    const boom = new Error('boom');
    acc.drainHead(acc.queue('t', 2)).fail(boom);
    expect(failed).to.deep.equal([[boom, 2], [boom, 2], [boom, 2]]);
  });
});
