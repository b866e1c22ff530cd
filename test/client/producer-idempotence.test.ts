import { expect } from 'chai';
import { Producer, ProducerOptions } from '../../lib/client/producer';
import { incrementSequence } from '../../lib/client/producer-idempotence';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { InitProducerIdResponseData } from '../../lib/protocol/messages/init-producer-id';
import { ProduceRequestData } from '../../lib/protocol/messages/produce-fetch';
import { CLOSE_CONNECTION, FakeCluster } from './fake-broker';
import { SequencedLog } from './producer-sequenced-log';
import { waitUntil } from '../helpers/wait';

function granted(producerId: number): InitProducerIdResponseData {
  return { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch: 0 };
}

describe('client/producer idempotence', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let log: SequencedLog;
  let nextProducerId: number;
  const producers: Producer[] = [];

  /** One record per batch (batchSize 1), so every send is its own sequence step. */
  function producer(options: Partial<ProducerOptions> = {}): Producer {
    const p = new Producer({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 5, lingerMs: 0, batchSize: 1, ...options });
    producers.push(p);
    return p;
  }

  function sendAll(p: Producer, partition: number, values: string[]): Array<Promise<{ offset: number } | Error>> {
    return values.map((value) => p.send({ topic: 't', partition, value }).catch((e: Error) => e));
  }

  beforeEach(async () => {
    cluster = await FakeCluster.start(1);
    cluster.topics.set('t', [{ leader: 1 }, { leader: 1 }]);
    log = new SequencedLog();
    nextProducerId = 4000;
    cluster.broker(1).on(Api.Produce, (req) => log.answer(req));
    cluster.broker(1).on(Api.InitProducerId, () => granted(nextProducerId++));
  });

  afterEach(async () => {
    for (const p of producers.splice(0)) await p.close().catch(() => undefined);
    await cluster.stop();
  });

  it('gets a producer id first, then stamps it with per-partition sequences into every batch', async () => {
    const p = producer({ lingerMs: 5, batchSize: 16384 });
    await Promise.all([...sendAll(p, 0, ['a', 'b', 'c']), ...sendAll(p, 1, ['x'])]);
    await Promise.all([...sendAll(p, 0, ['d', 'e']), ...sendAll(p, 1, ['y'])]);
    const apis = cluster.broker(1).requests.map((r) => r.apiName).filter((n) => n !== 'Metadata');
    expect(apis[0]).to.equal('InitProducerId');
    expect(cluster.broker(1).requestsFor(Api.InitProducerId)[0]).to.deep.equal({ transactionalId: null, transactionTimeoutMs: 2147483647 });
    const stamped = log.seen.map((s) => [s.tp, s.producerId, s.producerEpoch, s.baseSequence, s.recordCount]);
    expect(stamped).to.have.deep.members([['t-0', 4000, 0, 0, 3], ['t-1', 4000, 0, 0, 1], ['t-0', 4000, 0, 3, 2], ['t-1', 4000, 0, 1, 1]]);
    expect(p.producerIdAndEpoch).to.deep.equal({ producerId: 4000, producerEpoch: 0 });
  });

  it('retries InitProducerId while the broker answers COORDINATOR_NOT_AVAILABLE', async () => {
    let refusals = 2;
    cluster.broker(1).on(Api.InitProducerId, () => (refusals-- > 0
      ? { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE.code, producerId: -1, producerEpoch: -1 }
      : granted(77)));
    const p = producer();
    expect((await p.send({ topic: 't', partition: 0, value: 'v' })).offset).to.equal(0);
    expect(cluster.broker(1).requestsFor(Api.InitProducerId)).to.have.length(3);
    expect(log.seen[0].producerId).to.equal(77);
  });

  it('fails sends with a clear error when the cluster refuses producer ids for good', async () => {
    cluster.broker(1).on(Api.InitProducerId, () => ({ throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST.code, producerId: -1, producerEpoch: -1 }));
    const p = producer();
    const err = await p.send({ topic: 't', partition: 0, value: 'v' }).catch((e) => e);
    expect(err.errorName).to.equal('INVALID_REQUEST');
    expect(err.message).to.match(/producer id/).and.to.match(/enable\.idempotence=false/);
    expect(log.seen).to.have.length(0);
  });

  it('resends a batch whose response was lost with the same sequence and resolves the original offset', async () => {
    let dropped = false;
    cluster.broker(1).on(Api.Produce, (req) => {
      const answer = log.answer(req);
      if (dropped) return answer;
      dropped = true;
      return CLOSE_CONNECTION; // appended, but the producer never hears about it
    });
    const p = producer();
    const ack = await p.send({ topic: 't', partition: 0, value: 'once' });
    expect(ack.offset).to.equal(0);
    expect(log.values('t-0')).to.deep.equal(['once']);
    expect(log.seen.map((s) => s.baseSequence)).to.deep.equal([0, 0]);
    expect(log.outcomes.map((o) => o.errorCode)).to.deep.equal([0, 0]);
  });

  it('after a retriable failure, resends the later in-flight batches in sequence order once they come back out of order', async () => {
    let first = true;
    cluster.broker(1).on(Api.Produce, async (req: ProduceRequestData) => {
      if (!first) return log.answer(req);
      first = false;
      // Hold the first answer until later batches are in flight, so they meet the gap.
      await waitUntil('more produce requests', () => cluster.broker(1).requestsFor(Api.Produce).length >= 3, 5000).catch(() => undefined);
      return log.answer(req, () => ErrorCode.NOT_LEADER_FOR_PARTITION.code);
    });
    const p = producer();
    const values = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
    const acks = await Promise.all(sendAll(p, 0, values));
    expect(acks.map((a) => (a as { offset: number }).offset)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(log.values('t-0')).to.deep.equal(values);
    expect(log.outcomes.some((o) => o.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER.code)).to.equal(true);
    expect(new Set(log.seen.map((s) => s.producerId))).to.deep.equal(new Set([4000]));
  });

  it('fails a batch rejected as out of order although everything before it was acknowledged', async () => {
    const p = producer();
    await p.send({ topic: 't', partition: 0, value: 'v0' });
    cluster.broker(1).on(Api.Produce, (req) => log.answer(req, () => ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER.code));
    const err = await p.send({ topic: 't', partition: 0, value: 'v1' }).catch((e) => e);
    expect(err.errorName).to.equal('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(err.message).to.match(/sequence 1 of producer 4000 for t-0/).and.to.match(/not written/);
    // The producer carries on under a new producer id, from sequence 0.
    cluster.broker(1).on(Api.Produce, (req) => log.answer(req));
    expect((await p.send({ topic: 't', partition: 0, value: 'v2' })).offset).to.equal(1);
    expect(log.seen.at(-1)).to.include({ producerId: 4001, baseSequence: 0 });
    expect(log.values('t-0')).to.deep.equal(['v0', 'v2']);
  });

  it('fails a retried batch that a later one overtook, instead of retrying it forever', async () => {
    log = new SequencedLog(true);
    let first = true;
    cluster.broker(1).on(Api.Produce, async (req: ProduceRequestData) => {
      if (!first) return log.answer(req);
      first = false;
      await waitUntil('a second produce request', () => cluster.broker(1).requestsFor(Api.Produce).length >= 2, 5000).catch(() => undefined);
      await waitUntil('the second batch to be written', () => log.values('t-0').length > 0, 5000).catch(() => undefined);
      return log.answer(req, () => ErrorCode.NOT_LEADER_FOR_PARTITION.code);
    });
    const p = producer({ deliveryTimeoutMs: 60000 });
    const [early, late] = await Promise.all(sendAll(p, 0, ['early', 'late']));
    expect((early as Error & { errorName: string }).errorName).to.equal('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect((early as Error).message).to.match(/no earlier batch unresolved/);
    expect((late as { offset: number }).offset).to.equal(0);
    expect(log.values('t-0')).to.deep.equal(['late']);
  });

  for (const error of [ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.UNKNOWN_PRODUCER_ID]) {
    it(`fails the records of a batch answered ${error.name}, then continues under a new producer id`, async () => {
      const p = producer();
      cluster.broker(1).on(Api.Produce, (req) => log.answer(req, () => error.code));
      const err = await p.send({ topic: 't', partition: 1, value: 'refused' }).catch((e) => e);
      expect(err.errorName).to.equal(error.name);
      expect(err.message).to.match(/producer id 4000/);
      cluster.broker(1).on(Api.Produce, (req) => log.answer(req));
      expect((await p.send({ topic: 't', partition: 1, value: 'accepted' })).offset).to.equal(0);
      expect(cluster.broker(1).requestsFor(Api.InitProducerId)).to.have.length(2);
    });
  }

  it('after a batch fails for good, moves the later batches to a new producer id in their original order', async () => {
    let first = true;
    cluster.broker(1).on(Api.Produce, async (req: ProduceRequestData) => {
      if (!first) return log.answer(req);
      first = false;
      await waitUntil('more produce requests', () => cluster.broker(1).requestsFor(Api.Produce).length >= 3, 5000).catch(() => undefined);
      return log.answer(req, () => ErrorCode.MESSAGE_TOO_LARGE.code);
    });
    const p = producer();
    const results = await Promise.all(sendAll(p, 0, ['big', 'a', 'b', 'c']));
    expect((results[0] as Error & { errorName: string }).errorName).to.equal('MESSAGE_TOO_LARGE');
    expect(results.slice(1).map((r) => (r as { offset: number }).offset)).to.deep.equal([0, 1, 2]);
    expect(log.values('t-0')).to.deep.equal(['a', 'b', 'c']);
    const accepted = log.seen.filter((s, i) => log.outcomes[i].errorCode === 0);
    expect(accepted.map((s) => [s.producerId, s.baseSequence])).to.deep.equal([[4001, 0], [4001, 1], [4001, 2]]);
  });

  it('treats DUPLICATE_SEQUENCE_NUMBER as an acknowledgement without an offset', async () => {
    cluster.broker(1).on(Api.Produce, (req) => log.answer(req, () => ErrorCode.DUPLICATE_SEQUENCE_NUMBER.code));
    const ack = await producer().send({ topic: 't', partition: 0, value: 'seen-before' });
    expect(ack.offset).to.equal(-1);
  });

  it('keeps at most 5 batches of a partition outstanding', async () => {
    const held: Array<() => void> = [];
    cluster.broker(1).on(Api.Produce, (req: ProduceRequestData) => new Promise((resolve) => held.push(() => resolve(log.answer(req)))));
    const p = producer({ maxInFlightRequestsPerConnection: 5 });
    const sends = sendAll(p, 0, ['0', '1', '2', '3', '4', '5', '6']);
    await waitUntil('5 produce requests', () => held.length === 5, 5000);
    await new Promise((r) => setTimeout(r, 30));
    expect(held).to.have.length(5);
    while (held.length > 0) held.shift()!();
    await waitUntil('the rest', () => held.length === 2, 5000);
    while (held.length > 0) held.shift()!();
    expect((await Promise.all(sends)).map((a) => (a as { offset: number }).offset)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
  });

  it('with enableIdempotence false sends no InitProducerId and no producer id', async () => {
    const p = producer({ enableIdempotence: false });
    await p.send({ topic: 't', partition: 0, value: 'plain' });
    expect(cluster.broker(1).requestsFor(Api.InitProducerId)).to.have.length(0);
    expect(log.seen[0]).to.include({ producerId: -1, producerEpoch: -1, baseSequence: -1 });
    expect(p.producerIdAndEpoch).to.equal(null);
  });

  it('is off without a word for acks=1 by default, and an error when asked for explicitly with acks=1', async () => {
    const p = producer({ acks: 1 });
    await p.send({ topic: 't', partition: 0, value: 'leader-only' });
    expect(cluster.broker(1).requestsFor(Api.InitProducerId)).to.have.length(0);
    expect(() => new Producer({ bootstrapServers: cluster.bootstrap, acks: 1, enableIdempotence: true }))
      .to.throw(/Must set acks to all in order to use the idempotent producer/);
  });

  it('wraps sequence numbers past 2^31-1 to 0, as Kafka does', () => {
    expect(incrementSequence(5, 3)).to.equal(8);
    expect(incrementSequence(2147483646, 1)).to.equal(2147483647);
    expect(incrementSequence(2147483647, 1)).to.equal(0);
    expect(incrementSequence(2147483640, 10)).to.equal(2);
  });
});
