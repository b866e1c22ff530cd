import { expect } from 'chai';
import { clientLogger } from '../../lib/client/client-logger';
import { MetadataCache, MetadataFetcher } from '../../lib/client/metadata-cache';
import { matchTopics, PatternSubscription, wholeNameMatcher } from '../../lib/client/pattern-subscription';
import { MetadataResponseData } from '../../lib/protocol/messages/metadata';

function cluster(topics: string[], internal: string[] = []): MetadataResponseData {
  const describe = (name: string, isInternal: boolean) => ({
    errorCode: 0, name, isInternal,
    partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
  });
  return {
    brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }], clusterId: 'c', controllerId: 1,
    topics: [...topics.map((t) => describe(t, false)), ...internal.map((t) => describe(t, true))],
  };
}

/** A cluster whose topic list the test changes; records what each Metadata request asked for. */
function fakeCluster(initial: string[]) {
  const state = { topics: initial, asked: [] as Array<string[] | null> };
  const fetcher: MetadataFetcher = async (topics) => {
    state.asked.push(topics);
    return cluster(state.topics, ['__consumer_offsets']);
  };
  return { state, cache: new MetadataCache(fetcher, { metadataMaxAgeMs: 60000, retryBackoffMs: 0, retryBackoffMaxMs: 0, allowAutoTopicCreation: false }) };
}

function sink() {
  const calls: string[][] = [];
  let current: string[] = [];
  return { calls, target: { subscription: () => current, setTopics: (t: string[]) => { calls.push(t); current = t; } } };
}

const log = clientLogger(undefined, 'consumer');

describe('client/pattern-subscription', () => {
  it('matches whole topic names only, as Java\'s Pattern.matches', () => {
    const m = wholeNameMatcher(/orders/);
    expect(m.test('orders')).to.equal(true);
    expect(m.test('orders-eu')).to.equal(false);
    expect(m.test('old-orders')).to.equal(false);
    expect(wholeNameMatcher(/orders|audit/).test('audit')).to.equal(true);
    expect(wholeNameMatcher(/ORDERS.*/i).test('orders-eu')).to.equal(true);
    // A global flag would make test() remember its position; the matcher drops it.
    const g = wholeNameMatcher(/a.*/g);
    expect([g.test('ab'), g.test('ab')]).to.deep.equal([true, true]);
  });

  it('leaves internal topics out unless asked not to', () => {
    const topics = [{ name: 'b', internal: false }, { name: '__consumer_offsets', internal: true }, { name: 'a', internal: false }];
    expect(matchTopics(wholeNameMatcher(/.*/), topics, true)).to.deep.equal(['a', 'b']);
    expect(matchTopics(wholeNameMatcher(/.*/), topics, false)).to.deep.equal(['__consumer_offsets', 'a', 'b']);
  });

  it('asks metadata for every topic and follows topics as they are created and deleted', async () => {
    const { state, cache } = fakeCluster(['orders-eu', 'payments']);
    const { calls, target } = sink();
    const p = new PatternSubscription(/orders-.*/, cache, target, true, log);
    await p.beforeJoin(Date.now() + 1000);
    expect(state.asked.at(-1)).to.equal(null);
    expect(calls).to.deep.equal([['orders-eu']]);
    // Nothing changed: no new subscription (so no rebalance).
    await cache.refresh();
    p.update();
    expect(calls).to.have.length(1);
    state.topics = ['orders-eu', 'orders-us', 'payments'];
    await cache.refresh();
    p.update();
    expect(calls.at(-1)).to.deep.equal(['orders-eu', 'orders-us']);
    state.topics = ['orders-us', 'payments'];
    await cache.refresh();
    p.update();
    expect(calls.at(-1)).to.deep.equal(['orders-us']);
    expect(cache.topic('orders-eu')).to.equal(undefined);
    p.stop();
    await cache.refresh(['payments']);
    expect(state.asked.at(-1)).to.deep.equal(['payments']);
  });

  it('includes internal topics when exclude.internal.topics is false', async () => {
    const { cache } = fakeCluster(['x']);
    const { calls, target } = sink();
    const p = new PatternSubscription(/__.*/, cache, target, false, log);
    await p.beforeJoin(Date.now() + 1000);
    expect(calls).to.deep.equal([['__consumer_offsets']]);
  });
});
