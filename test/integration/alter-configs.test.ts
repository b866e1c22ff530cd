/**
 * AlterConfigs, IncrementalAlterConfigs and DescribeConfigs against a real broker: topic
 * overrides, the cluster-wide broker default and per-broker values (sources and synonyms as they
 * change, the broker's live config following them), refusals that write nothing, broker loggers,
 * and KafkaJS through the Kafka listener.
 */
import { expect } from 'chai';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../lib/client/admin';
import { ConfigEntry } from '../../lib/client/admin-configs';
import { logLevels } from '../../lib/util/logger';
import { KafkaIncrementalAlterConfigs } from '../../lib/protocol/kafka/messages/alter-configs';
import { KafkaDescribeConfigs } from '../../lib/protocol/kafka/messages/admin';
import { EntityConfigStore } from '../../lib/zk/entity-config';
import { KafkaWireClient } from '../helpers/kafka-wire-client';
import { ZkClient } from '../../lib/zk/zk-client';
import { useOneBroker } from '../helpers/one-broker';
import { waitUntil } from '../helpers/wait';

describe('integration/alter-configs', function () {
  this.timeout(60000);
  const fixture = useOneBroker();
  let admin: Admin;
  let zk: ZkClient;
  let store: EntityConfigStore;

  before(async () => {
    admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'orders', numPartitions: 1, replicationFactor: 1 });
    await admin.createTopic({ topic: 'plain', numPartitions: 1, replicationFactor: 1 });
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 10000 });
    store = new EntityConfigStore(zk);
  });

  after(async () => {
    await admin?.close();
    await zk?.close();
  });

  async function entry(type: 'topic' | 'broker' | 'broker-logger', name: string, key: string): Promise<ConfigEntry | undefined> {
    const all = await admin.describeConfigs([{ type, name }], { includeSynonyms: true });
    return all.get(`${type}:${name}`)?.find((e) => e.name === key);
  }

  it('sets and deletes topic overrides, written to /config/topics/<t> and described as topic configs', async () => {
    const result = await admin.incrementalAlterConfigs([{ resource: { type: 'topic', name: 'orders' }, ops: [
      { name: 'retention.ms', op: 'set', value: '123456' }, { name: 'segment.bytes', op: 'set', value: '1048576' },
    ] }]);
    expect(result.get('topic:orders')).to.equal(null);
    expect(await store.getConfig('topics', 'orders')).to.deep.equal({ 'retention.ms': '123456', 'segment.bytes': '1048576' });
    expect(await entry('topic', 'orders', 'retention.ms')).to.deep.include({ value: '123456', source: 'DYNAMIC_TOPIC_CONFIG', isReadOnly: false });
    await admin.incrementalAlterConfigs([{ resource: { type: 'topic', name: 'orders' }, ops: [{ name: 'segment.bytes', op: 'delete' }] }]);
    expect(await store.getConfig('topics', 'orders')).to.deep.equal({ 'retention.ms': '123456' });
  });

  it('refuses a resource with one bad key, naming it, and writes none of its keys; other resources still apply', async () => {
    const result = await admin.incrementalAlterConfigs([
      { resource: { type: 'topic', name: 'orders' }, ops: [{ name: 'retention.ms', op: 'set', value: '999' }, { name: 'no.such.key', op: 'set', value: '1' }] },
      { resource: { type: 'topic', name: 'plain' }, ops: [{ name: 'retention.ms', op: 'set', value: 'soon' }] },
      { resource: { type: 'topic', name: 'missing' }, ops: [{ name: 'retention.ms', op: 'set', value: '1' }] },
      { resource: { type: 'topic', name: 'orders' }, ops: [{ name: 'retention.ms', op: 'append', value: '1' }] },
    ]);
    const orders = result.get('topic:orders');
    expect(orders?.errorName).to.equal('INVALID_REQUEST'); // the same resource twice in one request
    expect(result.get('topic:plain')).to.deep.include({ errorName: 'INVALID_CONFIG' });
    expect(result.get('topic:plain')?.message).to.match(/Invalid value soon for configuration retention.ms/);
    expect(result.get('topic:missing')).to.deep.include({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const one = await admin.incrementalAlterConfigs([
      { resource: { type: 'topic', name: 'orders' }, ops: [{ name: 'retention.ms', op: 'set', value: '999' }, { name: 'no.such.key', op: 'set', value: '1' }] },
    ]);
    expect(one.get('topic:orders')).to.deep.include({ errorName: 'INVALID_CONFIG', message: 'Unknown topic config name: no.such.key' });
    expect(await store.getConfig('topics', 'orders')).to.deep.equal({ 'retention.ms': '123456' });
    expect(await store.getConfig('topics', 'plain')).to.deep.equal({});
  });

  it('checks but writes nothing with validateOnly', async () => {
    const result = await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '' }, ops: [{ name: 'log.retention.ms', op: 'set', value: '5000' }] }], { validateOnly: true });
    expect(result.get('broker:')).to.equal(null);
    expect(await store.getConfig('brokers', '<default>')).to.deep.equal({});
  });

  it('layers a per-broker value over the cluster default over server.properties, in the live config and in DescribeConfigs', async () => {
    const { broker } = fixture;
    const staticRetention = broker.config.retentionMs;
    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '' }, ops: [{ name: 'log.retention.ms', op: 'set', value: '3600000' }] }]);
    expect(await store.getConfig('brokers', '<default>')).to.deep.equal({ 'log.retention.ms': '3600000' });
    await waitUntil('the cluster default to apply', () => broker.config.retentionMs === 3600000);
    expect(await entry('broker', '1', 'log.retention.ms')).to.deep.include({
      value: '3600000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG', isReadOnly: false,
      synonyms: [
        { name: 'log.retention.ms', value: '3600000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' },
        { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
      ],
    });
    expect((await admin.describeConfigs([{ type: 'broker', name: '' }])).get('broker:')?.map((e) => [e.name, e.value, e.source]))
      .to.deep.equal([['log.retention.ms', '3600000', 'DYNAMIC_DEFAULT_BROKER_CONFIG']]);

    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [{ name: 'log.retention.ms', op: 'set', value: '7200000' }] }]);
    await waitUntil('the per-broker value to apply', () => broker.config.retentionMs === 7200000);
    expect((await entry('broker', '1', 'log.retention.ms'))?.synonyms.map((s) => s.source)).to.deep.equal(['DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'DEFAULT_CONFIG']);
    // A topic without an override falls back to the broker: its synonyms follow the same order.
    expect(await entry('topic', 'plain', 'retention.ms')).to.deep.include({
      value: '7200000', source: 'DYNAMIC_BROKER_CONFIG',
      synonyms: [
        { name: 'log.retention.ms', value: '7200000', source: 'DYNAMIC_BROKER_CONFIG' },
        { name: 'log.retention.ms', value: '3600000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' },
        { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
      ],
    });
    expect((await entry('broker', '1', 'zookeeper.connect'))?.isReadOnly).to.equal(true);

    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [{ name: 'log.retention.ms', op: 'delete' }] }]);
    await admin.alterConfigs([{ resource: { type: 'broker', name: '' }, configs: {} }]);
    await waitUntil('the static value to return', () => broker.config.retentionMs === staticRetention);
  });

  it('tells reconfigurable components which keys changed', async () => {
    const { broker } = fixture;
    const seen: string[][] = [];
    const off = broker.dynamicConfig!.onChange((keys) => { seen.push([...keys]); });
    try {
      await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [{ name: 'num.replica.fetchers', op: 'set', value: '3' }] }]);
      await waitUntil('num.replica.fetchers to apply', () => broker.config.numReplicaFetchers === 3);
      expect(seen).to.deep.include(['num.replica.fetchers']);
    } finally {
      off();
      await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [{ name: 'num.replica.fetchers', op: 'delete' }] }]);
    }
  });

  it('refuses a static broker key with Kafka\'s message and writes nothing', async () => {
    const result = await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [
      { name: 'message.max.bytes', op: 'set', value: '2000000' }, { name: 'zookeeper.connect', op: 'set', value: 'elsewhere:2181' },
    ] }]);
    expect(result.get('broker:1')).to.deep.include({ errorName: 'INVALID_REQUEST', message: 'Cannot update these configs dynamically: Set(zookeeper.connect)' });
    expect(await store.getConfig('brokers', '1')).to.deep.equal({});
    const bad = await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [{ name: 'num.replica.fetchers', op: 'set', value: 'many' }] }]);
    expect(bad.get('broker:1')?.message).to.match(/Invalid value many for configuration num.replica.fetchers/);
  });

  it('changes a subsystem\'s log level through log.level.<subsystem> and through a BROKER_LOGGER resource', async () => {
    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [{ name: 'log.level.zk', op: 'set', value: 'error' }] }]);
    await waitUntil('the zk level to apply', () => logLevels().subsystems.get('zk') === 'error');
    const loggers = await admin.describeConfigs([{ type: 'broker-logger', name: '1' }]);
    expect(loggers.get('broker-logger:1')?.find((e) => e.name === 'zk')).to.deep.include({ value: 'error', source: 'DYNAMIC_BROKER_LOGGER_CONFIG' });

    const set = await admin.incrementalAlterConfigs([{ resource: { type: 'broker-logger', name: '1' }, ops: [{ name: 'storage', op: 'set', value: 'ERROR' }] }]);
    expect(set.get('broker-logger:1')).to.equal(null);
    expect(logLevels().subsystems.get('storage')).to.equal('error');
    const refused = await admin.incrementalAlterConfigs([{ resource: { type: 'broker-logger', name: '1' }, ops: [{ name: 'storage', op: 'set', value: 'loud' }] }]);
    expect(refused.get('broker-logger:1')).to.deep.include({ errorName: 'INVALID_CONFIG' });
    const unknown = await admin.incrementalAlterConfigs([{ resource: { type: 'broker-logger', name: '1' }, ops: [{ name: 'no-such-subsystem', op: 'set', value: 'info' }] }]);
    expect(unknown.get('broker-logger:1')?.message).to.equal('Logger no-such-subsystem does not exist!');

    await admin.incrementalAlterConfigs([{ resource: { type: 'broker-logger', name: '1' }, ops: [{ name: 'storage', op: 'delete' }] }]);
    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '1' }, ops: [{ name: 'log.level.zk', op: 'delete' }] }]);
    await waitUntil('the zk level to go', () => !logLevels().subsystems.has('zk'));
    expect(logLevels().subsystems.has('storage')).to.equal(false);
  });

  it('replaces a topic\'s whole config with the legacy AlterConfigs', async () => {
    await admin.alterConfigs([{ resource: { type: 'topic', name: 'orders' }, configs: { 'cleanup.policy': 'compact' } }]);
    expect(await store.getConfig('topics', 'orders')).to.deep.equal({ 'cleanup.policy': 'compact' });
  });

  it('serves KafkaJS\'s alterConfigs and describeConfigs on the Kafka listener', async () => {
    const kafka = new Kafka({ clientId: 'configs-test', brokers: [fixture.kafka], logLevel: logLevel.NOTHING });
    const kjs = kafka.admin();
    await kjs.connect();
    try {
      await kjs.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'plain', configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
      expect(await store.getConfig('topics', 'plain')).to.deep.equal({ 'retention.ms': '86400000' });
      const described = await kjs.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'plain', configNames: ['retention.ms'] }] });
      expect(described.resources[0].configEntries).to.have.length(1);
      expect(described.resources[0].configEntries[0]).to.deep.include({ configName: 'retention.ms', configValue: '86400000', configSource: 1 });
    } finally {
      await kjs.disconnect();
    }
  });

  it('serves IncrementalAlterConfigs v1 (flexible) on the Kafka listener, and DescribeConfigs v3 reports the dynamic default', async () => {
    const client = new KafkaWireClient(Number(fixture.kafka.split(':')[1]));
    try {
      const answer = await client.send(KafkaIncrementalAlterConfigs, 1, {
        resources: [
          { resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.backoff.ms', configOperation: 0, value: '20000' }] },
          { resourceType: 4, resourceName: '', configs: [{ name: 'log.dirs', configOperation: 0, value: '/x' }] },
        ],
        validateOnly: false,
      });
      // The same resource twice: both refused, nothing written (Kafka's rule).
      expect(answer.responses.map((r) => r.errorCode)).to.deep.equal([42, 42]);
      const ok = await client.send(KafkaIncrementalAlterConfigs, 1, {
        resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.backoff.ms', configOperation: 0, value: '20000' }] }],
        validateOnly: false,
      });
      expect(ok.responses).to.deep.equal([{ errorCode: 0, errorMessage: null, resourceType: 4, resourceName: '' }]);
      await waitUntil('the cleaner backoff to apply', () => fixture.broker.config.logCleanerBackoffMs === 20000);
      const described = await client.send(KafkaDescribeConfigs, 3, {
        resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['log.cleaner.backoff.ms'] }], includeSynonyms: true, includeDocumentation: false,
      });
      expect(described.results[0].configs[0]).to.deep.include({ name: 'log.cleaner.backoff.ms', value: '20000', readOnly: false, configSource: 3 });
      const refused = await client.send(KafkaIncrementalAlterConfigs, 0, {
        resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'log.dirs', configOperation: 0, value: '/x' }] }], validateOnly: false,
      });
      expect(refused.responses[0]).to.deep.include({ errorCode: 42, errorMessage: 'Cannot update these configs dynamically: Set(log.dirs)' });
    } finally {
      client.close();
      await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '' }, ops: [{ name: 'log.cleaner.backoff.ms', op: 'delete' }] }]);
    }
  });
});
