import { expect } from 'chai';
import { brokerConfigEntries, ConfigSource, ConfigType, topicConfigEntries } from '../../lib/broker/config-entries';
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
    expect(byName(broker()).get('log.retention.ms')).to.deep.include({ value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG, readOnly: true, isDefault: true });
    expect(byName(broker({ 'log.retention.hours': 1 })).get('log.retention.ms')).to.deep.include({
      value: '3600000', configSource: ConfigSource.STATIC_BROKER_CONFIG, isDefault: false,
      synonyms: [{ name: 'log.retention.ms', value: '3600000', source: ConfigSource.STATIC_BROKER_CONFIG }],
    });
  });

  it('always counts required keys as set, and leaves synonyms and documentation out unless asked', () => {
    const [id] = brokerConfigEntries(broker(), { includeSynonyms: false, includeDocumentation: true });
    expect(id).to.deep.include({ name: 'broker.id', value: '3', configSource: ConfigSource.STATIC_BROKER_CONFIG, synonyms: [], configType: ConfigType.INT });
    expect(id.documentation).to.be.a('string').and.not.empty;
  });
});
