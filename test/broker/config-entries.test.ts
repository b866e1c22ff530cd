import { expect } from 'chai';
import { brokerConfigEntries, clusterDefaultConfigEntries, ConfigSource, ConfigType, topicConfigEntries } from '../../lib/broker/config-entries';
import { buildBrokerConfig } from '../../lib/config/broker-config';

const ALL = { includeSynonyms: true, includeDocumentation: false };

function broker(overrides: Record<string, string | number> = {}) {
  return buildBrokerConfig({ 'broker.id': 3, 'zookeeper.connect': '127.0.0.1:2181', ...overrides }).config;
}

describe('broker/config-entries', () => {
  it('lists a topic\'s overrides first, each with its source, and the rest with the broker\'s value', () => {
    const entries = topicConfigEntries(broker({ 'min.insync.replicas': 2 }), { 'cleanup.policy': 'compact' }, ALL);
    expect(entries[0]).to.deep.equal({
      name: 'cleanup.policy', value: 'compact', readOnly: false, isDefault: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false,
      synonyms: [
        { name: 'cleanup.policy', value: 'compact', source: ConfigSource.TOPIC_CONFIG },
        { name: 'log.cleanup.policy', value: 'delete', source: ConfigSource.DEFAULT_CONFIG },
      ],
      configType: ConfigType.LIST, documentation: null,
    });
    const minIsr = entries.find((e) => e.name === 'min.insync.replicas');
    expect(minIsr).to.deep.include({ value: '2', isDefault: true, configSource: ConfigSource.STATIC_BROKER_CONFIG });
    expect(entries.find((e) => e.name === 'flush.ms'), 'no flush timer is a null value').to.deep.include({ value: null, configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
    expect(entries.filter((e) => !e.isDefault).map((e) => e.name)).to.deep.equal(['cleanup.policy']);
  });

  it('reports the retention a broker runs with under log.retention.ms, set when hours were changed', () => {
    const byName = (b: ReturnType<typeof broker>) => new Map(brokerConfigEntries(b, ALL).map((e) => [e.name, e]));
    expect(byName(broker()).get('log.retention.ms')).to.deep.include({ value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG, readOnly: false, isDefault: true });
    expect(byName(broker()).get('zookeeper.connect')).to.deep.include({ readOnly: true });
    expect(byName(broker({ 'log.retention.hours': 1 })).get('log.retention.ms')).to.deep.include({
      value: '3600000', configSource: ConfigSource.STATIC_BROKER_CONFIG, isDefault: false,
      synonyms: [{ name: 'log.retention.ms', value: '3600000', source: ConfigSource.STATIC_BROKER_CONFIG }, { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG }],
    });
  });

  it('always counts required keys as set, and leaves synonyms and documentation out unless asked', () => {
    const [id] = brokerConfigEntries(broker(), { includeSynonyms: false, includeDocumentation: true });
    expect(id).to.deep.include({ name: 'broker.id', value: '3', configSource: ConfigSource.STATIC_BROKER_CONFIG, synonyms: [], configType: ConfigType.INT });
    expect(id.documentation).to.be.a('string').and.not.empty;
  });

  it('puts dynamic per-broker and default values before the static one, in synonyms and as the source', () => {
    const staticConfig = broker({ 'log.retention.hours': 1 });
    const live = { ...staticConfig, retentionMs: 5000 };
    const view = { staticConfig, perBroker: { 'log.retention.ms': '5000', 'leader.replication.throttled.rate': '100' }, clusterDefault: { 'log.retention.ms': '9000' } };
    const entries = brokerConfigEntries(live, ALL, view);
    expect(entries.find((e) => e.name === 'log.retention.ms')).to.deep.include({
      value: '5000', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG, readOnly: false, isDefault: false,
      synonyms: [
        { name: 'log.retention.ms', value: '5000', source: ConfigSource.DYNAMIC_BROKER_CONFIG },
        { name: 'log.retention.ms', value: '9000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
        { name: 'log.retention.ms', value: '3600000', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    expect(entries.find((e) => e.name === 'leader.replication.throttled.rate')).to.deep.include({ value: '100', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG, readOnly: false });
    const topic = topicConfigEntries(live, { 'segment.bytes': '2048' }, ALL, view);
    expect(topic.find((e) => e.name === 'retention.ms')?.synonyms.map((s) => s.source)).to.deep.equal([
      ConfigSource.DYNAMIC_BROKER_CONFIG, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG,
    ]);
    expect(topic.find((e) => e.name === 'segment.bytes')?.synonyms.map((s) => s.source)).to.deep.equal([ConfigSource.TOPIC_CONFIG, ConfigSource.DEFAULT_CONFIG]);
    expect(clusterDefaultConfigEntries(view, ALL).map((e) => [e.name, e.value, e.configSource]))
      .to.deep.equal([['log.retention.ms', '9000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]]);
  });
});
