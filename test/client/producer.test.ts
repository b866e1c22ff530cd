import { expect } from 'chai';
import { Producer, ProducerOptions } from '../../lib/client/producer';
import { Api } from '../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { ProduceRequestData, ProduceResponseData } from '../../lib/protocol/messages/produce-fetch';
import { forEachBatch, readBatchInfo } from '../../lib/record/batch-header';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { partitionForKey } from '../../lib/record/partitioner';
import { CLOSE_CONNECTION, FakeCluster, NO_RESPONSE } from './fake-broker';
import { waitUntil } from '../helpers/wait';

/** Answers a Produce request like a broker with empty logs, counting offsets per partition. */
function appendAll(req: ProduceRequestData, logEnds: Map<string, number>, errorFor?: (topic: string, partition: number) => number): ProduceResponseData {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const errorCode = errorFor?.(t.name, p.index) ?? 0;
        const key = `${t.name}-${p.index}`;
        const baseOffset = logEnds.get(key) ?? 0;
        if (errorCode === 0) {
          let count = 0;
          forEachBatch(p.records!, (pos) => { count += readBatchInfo(p.records!, pos).recordCount; });
          logEnds.set(key, baseOffset + count);
        }
        return { index: p.index, errorCode, baseOffset: errorCode === 0 ? baseOffset : -1, logAppendTimeMs: -1, logStartOffset: 0, errorMessage: null };
      }),
    })),
  };
}

function recordsIn(req: ProduceRequestData): number {
  let n = 0;
  for (const t of req.topics) for (const p of t.partitions) forEachBatch(p.records!, (pos) => { n += readBatchInfo(p.records!, pos).recordCount; });
  return n;
}

describe('client/producer', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let logEnds: Map<string, number>;
  const producers: Producer[] = [];

  function producer(options: Partial<ProducerOptions> = {}): Producer {
    const p = new Producer({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 10, lingerMs: 5, ...options });
    producers.push(p);
    return p;
  }

  beforeEach(async () => {
    cluster = await FakeCluster.start(2);
    cluster.topics.set('t', [{ leader: 1 }, { leader: 2 }]);
    logEnds = new Map();
    for (const b of cluster.brokers) {
      b.on(Api.Produce, (req) => appendAll(req, logEnds));
      b.on(Api.InitProducerId, () => ({ throttleTimeMs: 0, errorCode: 0, producerId: 1000 + b.nodeId, producerEpoch: 0 }));
    }
  });

  afterEach(async () => {
    for (const p of producers.splice(0)) await p.close().catch(() => undefined);
    await cluster.stop();
  });

  it('batches records sent together into one request and resolves consecutive offsets', async () => {
    const p = producer({ lingerMs: 20 });
    const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => p.send({ topic: 't', partition: 0, value: `v${i}` })));
    expect(acks.map((a) => a.offset)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(acks.every((a) => a.topic === 't' && a.partition === 0 && a.timestamp > 0)).to.equal(true);
    const requests = cluster.broker(1).requestsFor(Api.Produce);
    expect(requests).to.have.length(1);
    expect(recordsIn(requests[0])).to.equal(10);
    expect(requests[0].acks).to.equal(-1);
  });

  it('sends one request per leader, each carrying the batches of the partitions it leads', async () => {
    const p = producer({ lingerMs: 20 });
    await Promise.all([0, 1, 0, 1].map((partition) => p.send({ topic: 't', partition, value: 'x' })));
    expect(cluster.broker(1).requestsFor(Api.Produce).map(recordsIn)).to.deep.equal([2]);
    expect(cluster.broker(2).requestsFor(Api.Produce).map(recordsIn)).to.deep.equal([2]);
  });

  it('sends keyed records to the murmur2 partition of the key, with headers and compression', async () => {
    const p = producer({ compression: 'gzip' });
    const ack = await p.send({ topic: 't', key: 'customer-7', value: 'hello', headers: { seq: '1', bin: Buffer.from([1, 2]) }, timestamp: 1234 });
    expect(ack.partition).to.equal(partitionForKey(Buffer.from('customer-7'), 2));
    expect(ack.timestamp).to.equal(1234);
    const req = cluster.broker(ack.partition + 1).requestsFor(Api.Produce)[0] as ProduceRequestData;
    const [batch] = decodeRecordBatches(req.topics[0].partitions[0].records!).batches;
    expect(batch.compression).to.equal('gzip');
    const r = batch.records[0];
    expect(r.key!.toString()).to.equal('customer-7');
    expect(r.value!.toString()).to.equal('hello');
    expect(r.timestamp).to.equal(1234);
    expect(r.headers.map((h) => [h.key, [...h.value!]])).to.deep.equal([['seq', [49]], ['bin', [1, 2]]]);
  });

  it('retries after NOT_LEADER_FOR_PARTITION once refreshed metadata names the new leader', async () => {
    cluster.broker(1).on(Api.Produce, (req) => appendAll(req, logEnds, () => ErrorCode.NOT_LEADER_FOR_PARTITION.code));
    const p = producer();
    await p.connect();
    const metadataBefore = cluster.metadataRequests;
    const sent = p.send({ topic: 't', partition: 0, value: 'moved' });
    // The first attempt goes to broker 1, which refuses; then the leader moves to broker 2.
    await waitUntil('the first produce attempt', () => cluster.broker(1).requestsFor(Api.Produce).length > 0, 5000);
    cluster.topics.set('t', [{ leader: 2 }, { leader: 2 }]);
    const ack = await sent;
    expect(ack.offset).to.equal(0);
    expect(cluster.broker(1).requestsFor(Api.Produce).length).to.be.at.least(1);
    expect(cluster.broker(2).requestsFor(Api.Produce)).to.have.length(1);
    expect(cluster.metadataRequests).to.be.greaterThan(metadataBefore);
  });

  it('with acks=0 sends the request and resolves offset -1 without waiting for a response', async () => {
    cluster.broker(1).on(Api.Produce, () => NO_RESPONSE);
    const p = producer({ acks: 0 });
    const ack = await p.send({ topic: 't', partition: 0, value: 'fire-and-forget' });
    expect(ack.offset).to.equal(-1);
    await waitUntil('the acks=0 produce request', () => cluster.broker(1).requestsFor(Api.Produce).length > 0, 2000);
    expect(cluster.broker(1).requestsFor(Api.Produce)[0].acks).to.equal(0);
  });

  it('fails a send with REQUEST_TIMED_OUT when the broker does not answer in time', async () => {
    cluster.broker(1).on(Api.Produce, () => NO_RESPONSE);
    const p = producer({ acks: 1, requestTimeoutMs: 150, retries: 0 });
    const started = Date.now();
    const err = await p.send({ topic: 't', partition: 0, value: 'lost' }).catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.errorName).to.equal('REQUEST_TIMED_OUT');
    expect(Date.now() - started).to.be.within(140, 3000);
  });

  it('reconnects and retries when the broker drops the connection mid-request', async () => {
    let drops = 0;
    cluster.broker(1).on(Api.Produce, (req) => (drops++ === 0 ? CLOSE_CONNECTION : appendAll(req, logEnds)));
    const p = producer();
    const ack = await p.send({ topic: 't', partition: 0, value: 'survivor' });
    expect(ack.offset).to.equal(0);
    expect(drops).to.equal(2);
    expect(cluster.broker(1).connectionsAccepted).to.be.at.least(2);
  });

  it('rejects a record larger than max.request.size without sending it', async () => {
    const p = producer({ maxRequestSize: 1000 });
    const err = await p.send({ topic: 't', partition: 0, value: Buffer.alloc(2000) }).catch((e) => e);
    expect(err.errorName).to.equal('MESSAGE_TOO_LARGE');
    expect(err.message).to.match(/max\.request\.size/);
    expect(cluster.broker(1).requestsFor(Api.Produce)).to.have.length(0);
  });

  it("fails records with the broker's non-retriable error", async () => {
    cluster.broker(2).on(Api.Produce, (req) => appendAll(req, logEnds, () => ErrorCode.INVALID_REQUIRED_ACKS.code));
    const p = producer();
    const err = await p.send({ topic: 't', partition: 1, value: 'x' }).catch((e) => e);
    expect(err.errorName).to.equal('INVALID_REQUIRED_ACKS');
    expect(cluster.broker(2).requestsFor(Api.Produce)).to.have.length(1);
  });

  it('waits for the metadata of a new topic, then sends to it', async () => {
    const p = producer();
    const sent = p.send({ topic: 'late', partition: 0, value: 'x' });
    await new Promise((r) => setTimeout(r, 30));
    cluster.topics.set('late', [{ leader: 2 }]);
    expect((await sent).offset).to.equal(0);
    expect(cluster.broker(2).requestsFor(Api.Produce)[0].topics[0].name).to.equal('late');
  });

  it('keeps keyless Buffer records whole and in send order per partition, across full, drained and waiting batches', async () => {
    // batch.size fits 2-3 of these records: the sticky batch fills, closes and a new one is chosen;
    // the records sent before 'fresh' has metadata wait (copied out of the producer's reused record object).
    const p = producer({ lingerMs: 0, batchSize: 400 });
    const value = (i: number): Buffer => Buffer.alloc(100, i);
    const sendAll = (topic: string, from: number, to: number): Array<Promise<{ partition: number; offset: number; i: number }>> =>
      Array.from({ length: to - from }, (_, k) => new Promise((resolve, reject) => {
        p.send({ topic, key: null, value: value(from + k) }, (err, m) => (err ? reject(err) : resolve({ partition: m!.partition, offset: m!.offset, i: from + k })));
      }));
    const early = sendAll('fresh', 0, 4);
    await new Promise((r) => setTimeout(r, 20));
    cluster.topics.set('fresh', [{ leader: 1 }, { leader: 2 }]);
    const first = await Promise.all([...early, ...sendAll('t', 4, 14)]);
    // After a flush the open batches were drained: later records must start new ones.
    const second = await Promise.all(sendAll('t', 14, 20));
    for (const [topic, acks] of [['fresh', first.slice(0, 4)], ['t', [...first.slice(4), ...second]]] as const) {
      const stored = new Map<number, number[]>();
      for (const b of cluster.brokers) {
        for (const req of b.requestsFor(Api.Produce) as ProduceRequestData[]) {
          for (const t of req.topics.filter((x) => x.name === topic)) {
            for (const part of t.partitions) {
              for (const batch of decodeRecordBatches(part.records!).batches) {
                expect(batch.sizeInBytes).to.be.at.most(400 + 61);
                for (const r of batch.records) stored.set(part.index, [...(stored.get(part.index) ?? []), r.value![0]]);
              }
            }
          }
        }
      }
      for (const [partition, values] of stored) {
        const mine = acks.filter((a) => a.partition === partition);
        expect(values).to.deep.equal(mine.map((a) => a.i));
        expect(mine.map((a) => a.offset)).to.deep.equal(mine.map((_, k) => k));
        expect(values).to.deep.equal([...values].sort((a, b) => a - b));
      }
      expect([...stored.values()].flat()).to.have.length(acks.length);
    }
  });

  it('flush() waits for every record sent so far; close() rejects later sends', async () => {
    const p = producer({ lingerMs: 60000 });
    let acked = 0;
    for (let i = 0; i < 5; i++) void p.send({ topic: 't', partition: 1, value: `v${i}` }).then(() => acked++);
    await p.flush();
    expect(acked).to.equal(5);
    await p.close();
    const err = await p.send({ topic: 't', value: 'late' }).catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.message).to.match(/closed/);
  });
});
