import { expect } from 'chai';
import { Consumer, ConsumerOptions, ConsumerRecord } from '../../lib/client/consumer';
import { Api } from '../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { FetchRequestData, FetchResponseData } from '../../lib/protocol/messages/produce-fetch';
import { FakeCluster } from './fake-broker';
import { FakeLog, serveLogs } from './fake-log';

async function pollUntil(consumer: Consumer, count: number, timeoutMs = 5000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...await consumer.poll(100));
  return out;
}

describe('client/consumer', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let logs: Map<string, FakeLog>;
  const consumers: Consumer[] = [];

  function consumer(options: Partial<ConsumerOptions> = {}): Consumer {
    const c = new Consumer({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 10, fetchMaxWaitMs: 100, ...options });
    consumers.push(c);
    return c;
  }

  beforeEach(async () => {
    cluster = await FakeCluster.start(2);
    cluster.topics.set('t', [{ leader: 1 }, { leader: 2 }]);
    logs = new Map([['t-0', new FakeLog()], ['t-1', new FakeLog()]]);
    logs.get('t-0')!.append(['a0', 'a1', 'a2', 'a3', 'a4']);
    logs.get('t-0')!.append(['a5', 'a6']);
    logs.get('t-1')!.append(['b0', 'b1']);
    for (const b of cluster.brokers) serveLogs(b, logs);
  });

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close();
    await cluster.stop();
  });

  it('lists the partitions of a topic and reports unknown topics', async () => {
    const c = consumer();
    expect(await c.partitionsFor('t')).to.deep.equal([0, 1]);
    const err = await c.partitionsFor('missing').catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.errorName).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('reads every assigned partition from its leader, starting at the earliest offset', async () => {
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    const records = await pollUntil(c, 9);
    const byPartition = (p: number): string[] => records.filter((r) => r.partition === p).map((r) => r.value!.toString());
    expect(byPartition(0)).to.deep.equal(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(byPartition(1)).to.deep.equal(['b0', 'b1']);
    expect(records.find((r) => r.partition === 0 && r.offset === 2)).to.deep.include({ topic: 't', timestamp: 5002, timestampType: 'CreateTime' });
    expect(cluster.broker(1).requestsFor(Api.Fetch).every((req: FetchRequestData) => req.topics[0].partitions.every((p) => p.partition === 0))).to.equal(true);
    expect(await c.position({ topic: 't', partition: 0 })).to.equal(7);
  });

  it('skips records below the position when a batch starts before it', async () => {
    const c = consumer();
    c.assign([{ topic: 't', partition: 0 }]);
    c.seek({ topic: 't', partition: 0 }, 3);
    const records = await pollUntil(c, 4);
    expect(records.map((r) => r.offset)).to.deep.equal([3, 4, 5, 6]);
  });

  it('starts at the end with autoOffsetReset latest and sees only new records', async () => {
    const c = consumer();
    c.assign([{ topic: 't', partition: 1 }]);
    expect(await c.position({ topic: 't', partition: 1 })).to.equal(2);
    logs.get('t-1')!.append(['b2']);
    const records = await pollUntil(c, 1);
    expect(records.map((r) => r.value!.toString())).to.deep.equal(['b2']);
  });

  it('resets to earliest when the fetch offset is out of range', async () => {
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: 't', partition: 1 }]);
    c.seek({ topic: 't', partition: 1 }, 100);
    const records = await pollUntil(c, 2);
    expect(records.map((r) => r.offset)).to.deep.equal([0, 1]);
  });

  it('throws NO_OFFSET_FOR_PARTITION, then OFFSET_OUT_OF_RANGE, from poll() when autoOffsetReset is none', async () => {
    const c = consumer({ autoOffsetReset: 'none' });
    c.assign([{ topic: 't', partition: 0 }]);
    const noPosition = await c.poll(100).catch((e) => e);
    expect(noPosition.errorName).to.equal('NO_OFFSET_FOR_PARTITION');
    expect(noPosition.message).to.equal('Undefined offset with no reset policy for partitions: [t-0]');
    c.seek({ topic: 't', partition: 0 }, 50);
    let err: SamsaError | null = null;
    const deadline = Date.now() + 3000;
    while (!err && Date.now() < deadline) err = await c.poll(100).then(() => null, (e) => e);
    expect(err?.errorName).to.equal('OFFSET_OUT_OF_RANGE');
  });

  it('follows the leader after NOT_LEADER_FOR_PARTITION', async () => {
    cluster.broker(1).on(Api.Fetch, (req: FetchRequestData): FetchResponseData => ({
      throttleTimeMs: 0, errorCode: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition, errorCode: ErrorCode.NOT_LEADER_FOR_PARTITION.code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, records: null,
      })) })),
    }));
    const c = consumer();
    c.assign([{ topic: 't', partition: 0 }]);
    c.seek({ topic: 't', partition: 0 }, 5);
    await c.poll(50);
    cluster.topics.set('t', [{ leader: 2 }, { leader: 2 }]);
    const records = await pollUntil(c, 2);
    expect(records.map((r) => r.value!.toString())).to.deep.equal(['a5', 'a6']);
    expect(cluster.broker(2).requestsFor(Api.Fetch).length).to.be.at.least(1);
  });

  it('returns at most maxPollRecords per poll', async () => {
    const c = consumer({ maxPollRecords: 3, autoOffsetReset: 'earliest' });
    c.assign([{ topic: 't', partition: 0 }]);
    const sizes: number[] = [];
    const deadline = Date.now() + 5000;
    while (sizes.reduce((a, b) => a + b, 0) < 7 && Date.now() < deadline) {
      const got = await c.poll(100);
      if (got.length > 0) sizes.push(got.length);
    }
    expect(Math.max(...sizes)).to.equal(3);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(7);
  });

  it('yields records through the async iterator and rewinds to unseen ones when it stops early', async () => {
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: 't', partition: 0 }]);
    const seen: number[] = [];
    for await (const r of c) {
      seen.push(r.offset);
      if (seen.length === 2) break;
    }
    expect(seen).to.deep.equal([0, 1]);
    expect(await c.position({ topic: 't', partition: 0 })).to.equal(2);
  });

  it('returns an empty list when nothing arrives before the timeout', async () => {
    const c = consumer();
    c.assign([{ topic: 't', partition: 1 }]);
    const started = Date.now();
    expect(await c.poll(200)).to.deep.equal([]);
    expect(Date.now() - started).to.be.within(190, 2000);
  });
});
