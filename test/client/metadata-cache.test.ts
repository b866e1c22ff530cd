import { expect } from 'chai';
import { MetadataCache, MetadataFetcher } from '../../lib/client/metadata-cache';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { MetadataResponseData } from '../../lib/protocol/messages/metadata';
import { waitUntil } from '../helpers/wait';

interface Call {
  topics: string[] | null;
  resolve: (r: MetadataResponseData) => void;
  reject: (e: Error) => void;
}

/** A fetcher whose answers the test releases by hand. */
function controlledFetcher(): { fetcher: MetadataFetcher; calls: Call[] } {
  const calls: Call[] = [];
  const fetcher: MetadataFetcher = (topics) => new Promise((resolve, reject) => calls.push({ topics, resolve, reject }));
  return { fetcher, calls };
}

function response(topics: Record<string, number[] | 'unknown'>): MetadataResponseData {
  return {
    brokers: [{ nodeId: 1, host: 'h1', port: 9092, rack: null }, { nodeId: 2, host: 'h2', port: 9092, rack: null }],
    clusterId: 'c1',
    controllerId: 1,
    topics: Object.entries(topics).map(([name, leaders]) => leaders === 'unknown'
      ? { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, name, isInternal: false, partitions: [] }
      : {
        errorCode: 0, name, isInternal: false,
        partitions: leaders.map((leaderId, partitionIndex) => ({
          errorCode: 0, partitionIndex, leaderId, leaderEpoch: 0, replicaNodes: [leaderId], isrNodes: [leaderId], offlineReplicas: [],
        })).reverse(),
      }),
  };
}

const options = { metadataMaxAgeMs: 60000, retryBackoffMs: 0, retryBackoffMaxMs: 0, allowAutoTopicCreation: false };

describe('client/metadata-cache', () => {
  it('coalesces concurrent refreshes into one Metadata request', async () => {
    const { fetcher, calls } = controlledFetcher();
    const cache = new MetadataCache(fetcher, options);
    const refreshes = [cache.refresh(['a']), cache.refresh(['a']), cache.refresh(), cache.refresh(['a'])];
    cache.requestRefresh();
    await waitUntil('the first metadata request', () => calls.length === 1, 2000);
    calls[0].resolve(response({ a: [1, 2] }));
    await Promise.all(refreshes);
    expect(calls).to.have.length(1);
    expect(cache.requestsSent).to.equal(1);
    expect(calls[0].topics).to.deep.equal(['a']);
  });

  it('queues a single follow-up request for topics the one in flight does not cover', async () => {
    const { fetcher, calls } = controlledFetcher();
    const cache = new MetadataCache(fetcher, options);
    const first = cache.refresh(['a']);
    const second = cache.refresh(['b']);
    const third = cache.refresh(['c']);
    await waitUntil('the first metadata request', () => calls.length === 1, 2000);
    calls[0].resolve(response({ a: [1] }));
    await first;
    await waitUntil('the second metadata request', () => calls.length === 2, 2000);
    expect(calls[1].topics).to.have.members(['a', 'b', 'c']);
    calls[1].resolve(response({ a: [1], b: [2], c: [1, 1] }));
    await Promise.all([second, third]);
    expect(calls).to.have.length(2);
    expect(cache.partitionCount('c')).to.equal(2);
  });

  it('exposes partitions sorted by id, leaders and brokers', async () => {
    const { fetcher, calls } = controlledFetcher();
    const brokersSeen: number[][] = [];
    const cache = new MetadataCache(fetcher, { ...options, onBrokers: (b) => brokersSeen.push(b.map((x) => x.nodeId)) });
    const p = cache.refresh(['t']);
    await waitUntil('the first metadata request', () => calls.length === 1, 2000);
    calls[0].resolve(response({ t: [2, 1, -1] }));
    await p;
    expect(cache.topic('t')!.partitions.map((x) => x.partition)).to.deep.equal([0, 1, 2]);
    expect([0, 1, 2, 3].map((i) => cache.leaderFor('t', i))).to.deep.equal([2, 1, -1, -1]);
    expect(cache.broker(2)).to.deep.include({ host: 'h2', port: 9092 });
    expect(brokersSeen).to.deep.equal([[1, 2]]);
    expect(cache.clusterId).to.equal('c1');
  });

  it('refreshes after errors that mean the routing changed, but not after others', async () => {
    const { fetcher, calls } = controlledFetcher();
    const cache = new MetadataCache(fetcher, options);
    cache.onError(ErrorCode.MESSAGE_TOO_LARGE.code);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).to.have.length(0);
    cache.onError(ErrorCode.NOT_LEADER_FOR_PARTITION.code);
    await waitUntil('the first metadata request', () => calls.length === 1, 2000);
    calls[0].resolve(response({}));
  });

  it('refreshes in the background once the data is older than metadataMaxAgeMs', async () => {
    let now = 1000;
    const { fetcher, calls } = controlledFetcher();
    const cache = new MetadataCache(fetcher, { ...options, metadataMaxAgeMs: 500, now: () => now });
    const p = cache.refresh(['t']);
    await waitUntil('the first metadata request', () => calls.length === 1, 2000);
    calls[0].resolve(response({ t: [1] }));
    await p;
    now = 1400;
    cache.maybeRefresh();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).to.have.length(1);
    now = 1500;
    cache.maybeRefresh();
    await waitUntil('the second metadata request', () => calls.length === 2, 2000);
    calls[1].resolve(response({ t: [1] }));
  });

  it('is fresh only after an answer, while nothing is under way, not marked stale and younger than metadataMaxAgeMs', async () => {
    let now = 1000;
    const { fetcher, calls } = controlledFetcher();
    const cache = new MetadataCache(fetcher, { ...options, metadataMaxAgeMs: 500, now: () => now });
    const p = cache.refresh(['t']);
    expect(cache.fresh).to.equal(false);
    await waitUntil('the first metadata request', () => calls.length === 1, 2000);
    calls[0].resolve(response({ t: [1] }));
    await p;
    expect(cache.fresh).to.equal(true);
    now = 1500;
    expect(cache.fresh).to.equal(false);
    now = 1100;
    cache.onError(ErrorCode.NOT_LEADER_FOR_PARTITION.code);
    expect(cache.fresh).to.equal(false);
    await waitUntil('the second metadata request', () => calls.length === 2, 2000);
    calls[1].resolve(response({ t: [1] }));
  });

  it('fails fast on a topic the broker says does not exist when asked to', async () => {
    const cache = new MetadataCache(async () => response({ nope: 'unknown' }), options);
    const err = await cache.waitForTopic('nope', 5000, true).catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.errorName).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
    expect(err.message).to.equal("Topic 'nope' does not exist.");
  });

  it('keeps asking until a topic appears, then returns it', async () => {
    let answers = 0;
    const cache = new MetadataCache(async () => (++answers < 3 ? response({ t: 'unknown' }) : response({ t: [1] })), options);
    const t = await cache.waitForTopic('t', 5000);
    expect(t.partitions).to.have.length(1);
    expect(answers).to.equal(3);
  });

  it('gives up waiting for a topic after the timeout', async () => {
    const cache = new MetadataCache(async () => response({ t: 'unknown' }), { ...options, retryBackoffMs: 5, retryBackoffMaxMs: 5 });
    const started = Date.now();
    const err = await cache.waitForTopic('t', 50).catch((e) => e);
    expect(err.errorName).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
    expect(err.message).to.match(/not present in metadata after 50 ms/);
    expect(Date.now() - started).to.be.within(45, 1000);
  });
});
