import { expect } from 'chai';
import { ReplicationQuotaManager, ReplicationQuotas } from '../../lib/broker/replication-quotas';
import { throttledPartitionsOf, validateThrottledReplicas } from '../../lib/config/replication-throttle-config';
import { parseTopicConfig } from '../../lib/config/topic-config';
import { ConfigError } from '../../lib/config/config-error';
import { ConfigSource, topicConfigEntries } from '../../lib/broker/config-entries';
import { buildBrokerConfig } from '../../lib/config/broker-config';

const WINDOW = { numSamples: 11, windowMs: 1000 };

describe('broker/replication-quotas', () => {
  it('accepts `*` or partition:broker lists as Kafka\'s ThrottledReplicaListValidator, naming the key otherwise', () => {
    for (const ok of ['*', '0:1,1:2', ' 0:1 , 2:3 ', '']) expect(() => validateThrottledReplicas('leader.replication.throttled.replicas', ok)).to.not.throw();
    expect(() => parseTopicConfig({ 'follower.replication.throttled.replicas': '0-1' }))
      .to.throw(ConfigError, /Invalid value 0-1 for configuration follower.replication.throttled.replicas: .*must be the literal '\*' or a list of replicas/);
    expect(() => validateThrottledReplicas('leader.replication.throttled.replicas', '*,0:1')).to.throw(ConfigError);
    // Not a log setting: parsing a topic config with it yields no log override.
    expect(parseTopicConfig({ 'leader.replication.throttled.replicas': '0:1', 'retention.ms': '5' })).to.deep.equal({ retentionMs: 5 });
  });

  it('keeps the partitions whose entries name this broker, or all for `*`', () => {
    expect([...(throttledPartitionsOf('0:1,1:2,2:1', 1) as Set<number>)]).to.deep.equal([0, 2]);
    expect(throttledPartitionsOf('*', 7)).to.equal('all');
    expect((throttledPartitionsOf(undefined, 1) as Set<number>).size).to.equal(0);
  });

  it('is exceeded once the recorded bytes pass the rate over at least one window (Kafka\'s SimpleRate)', () => {
    let now = 0;
    const quota = new ReplicationQuotaManager('leader', WINDOW, () => now);
    quota.record(1_000_000);
    expect(quota.isQuotaExceeded()).to.equal(false); // no rate set: unlimited
    quota.setRate(500_000);
    expect(quota.isQuotaExceeded()).to.equal(true); // 1 MB over the minimum 1 s window
    now = 2000;
    expect(quota.isQuotaExceeded()).to.equal(false); // 1 MB over 2 s
  });

  it('applies topic and broker configs for its own broker id', () => {
    const quotas = new ReplicationQuotas(3, WINDOW);
    quotas.applyTopicConfig('t', { 'leader.replication.throttled.replicas': '0:1', 'follower.replication.throttled.replicas': '0:3,1:3' });
    expect(quotas.leader.isThrottled('t', 0)).to.equal(false);
    expect(quotas.follower.isThrottled('t', 1)).to.equal(true);
    quotas.applyBrokerConfig({ 'leader.replication.throttled.rate': '1000' });
    expect(quotas.leader.rateBound).to.equal(1000);
    expect(quotas.follower.rateBound).to.equal(Infinity);
    quotas.applyTopicConfig('t', {});
    expect(quotas.follower.isThrottled('t', 1)).to.equal(false);
  });

  it('lists the throttled-replica keys in DescribeConfigs: set ones as topic overrides, else empty defaults', () => {
    const broker = buildBrokerConfig({ 'broker.id': 1, 'zookeeper.connect': 'localhost:2181', 'log.dirs': '/tmp/x' }).config;
    const entries = topicConfigEntries(broker, { 'leader.replication.throttled.replicas': '0:1,1:2' }, { includeSynonyms: false, includeDocumentation: false });
    const leader = entries.find((e) => e.name === 'leader.replication.throttled.replicas')!;
    expect(leader).to.include({ value: '0:1,1:2', isDefault: false, configSource: ConfigSource.TOPIC_CONFIG });
    expect(entries.find((e) => e.name === 'follower.replication.throttled.replicas')).to.include({ value: '', isDefault: true });
  });
});
