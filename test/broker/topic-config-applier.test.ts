import { expect } from 'chai';
import { Partition } from '../../lib/broker/partition';
import { TopicConfigApplier } from '../../lib/broker/topic-config-applier';
import { BrokerConfig, buildBrokerConfig } from '../../lib/config/broker-config';
import { MAX_TIMER_MS } from '../../lib/storage/log-config';
import { PartitionLog } from '../../lib/storage/partition-log';
import { getLogger } from '../../lib/util/logger';
import { tempDir, testConfig } from '../storage/batch-builder';

const brokerWith = (props: Record<string, string> = {}): BrokerConfig => buildBrokerConfig({
  'broker.id': '1', 'zookeeper.connect': 'localhost:2181', 'log.retention.hours': '24', 'min.insync.replicas': '1', ...props,
}).config;

describe('broker/topic-config-applier', () => {
  let cleanup: () => void;
  let root: string;
  let logs: PartitionLog[];
  let partitions: Partition[];
  let overrides: Map<string, Record<string, string>>;
  let broker: BrokerConfig;
  let creations: Promise<void>;
  let applier: TopicConfigApplier;

  beforeEach(async () => {
    ({ dir: root, cleanup } = tempDir());
    logs = [];
    partitions = [];
    overrides = new Map();
    broker = brokerWith();
    creations = Promise.resolve();
    applier = new TopicConfigApplier({
      brokerDefaults: () => broker,
      topicOverrides: async (t) => overrides.get(t) ?? {},
      logs: () => logs,
      partitions: () => partitions,
      creationsSettled: () => creations,
      logger: getLogger('topic-config'),
    });
    for (const [topic, p] of [['orders', 0], ['orders', 1], ['other', 0]] as const) {
      const log = await PartitionLog.open(`${root}/${topic}-${p}`, topic, p, testConfig());
      logs.push(log);
      partitions.push(new Partition(topic, p, log, 1));
    }
  });

  afterEach(async () => {
    for (const log of logs) await log.close();
    cleanup();
  });

  it('gives new replicas the broker defaults overlaid with the topic overrides', async () => {
    overrides.set('orders', { 'retention.ms': '1000', 'min.insync.replicas': '2' });
    const config = await applier.partitionConfigFor('orders');
    expect(config.minInsyncReplicas).to.equal(2);
    expect(config.log).to.include({ retentionMs: 1000, cleanupPolicy: 'delete', segmentBytes: broker.segmentBytes });
    // No flush timer is a huge interval to storage.
    expect(config.log.flushIntervalMs).to.be.greaterThan(MAX_TIMER_MS);
  });

  it('applies a topic change to every local replica of that topic only, logs and min.insync.replicas', async () => {
    overrides.set('orders', { 'retention.ms': '5000', 'cleanup.policy': 'compact', 'segment.bytes': '4096', 'min.insync.replicas': '3' });
    overrides.set('other', { 'retention.ms': '7000' });
    await applier.applyTopic('orders');
    for (const log of logs.slice(0, 2)) expect(log.config).to.include({ retentionMs: 5000, cleanupPolicy: 'compact', segmentBytes: 4096 });
    expect(partitions.slice(0, 2).map((p) => p.minInsyncReplicas)).to.deep.equal([3, 3]);
    // 'other' was not notified, so it keeps what it had.
    expect(logs[2].config.retentionMs).to.equal(undefined);
    expect(partitions[2].minInsyncReplicas).to.equal(1);
    // Removing the overrides brings the broker defaults back.
    overrides.delete('orders');
    await applier.applyTopic('orders');
    expect(logs[0].config).to.include({ retentionMs: 24 * 3600 * 1000, cleanupPolicy: 'delete', segmentBytes: broker.segmentBytes });
    expect(partitions[0].minInsyncReplicas).to.equal(1);
  });

  it('keeps the current settings when the stored config is invalid', async () => {
    overrides.set('orders', { 'retention.ms': '5000' });
    await applier.applyTopic('orders');
    overrides.set('orders', { 'retention.ms': 'soon' });
    await applier.applyTopic('orders');
    expect(logs[0].config.retentionMs).to.equal(5000);
  });

  it('reapplyAll recomputes every local log from the current broker defaults', async () => {
    overrides.set('orders', { 'retention.ms': '5000' });
    broker = brokerWith({ 'log.retention.ms': '60000', 'min.insync.replicas': '2' });
    await applier.reapplyAll();
    expect(logs.map((l) => l.config.retentionMs)).to.deep.equal([5000, 5000, 60000]);
    expect(partitions.map((p) => p.minInsyncReplicas)).to.deep.equal([2, 2, 2]);
  });

  it('waits for partitions being created before reading the config, and applies changes in order', async () => {
    let finishCreation: () => void = () => undefined;
    creations = new Promise<void>((resolve) => (finishCreation = resolve));
    const order: string[] = [];
    overrides.set('orders', { 'retention.ms': '1000' });
    const first = applier.applyTopic('orders').then(() => order.push('first'));
    const second = applier.reapplyAll().then(() => order.push('second'));
    // The created partition joins (with a config read before the change) while the applier waits.
    const late = await PartitionLog.open(`${root}/orders-2`, 'orders', 2, testConfig({ retentionMs: 99 }));
    logs.push(late);
    overrides.set('orders', { 'retention.ms': '2000' });
    creations = Promise.resolve();
    finishCreation();
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['first', 'second']);
    expect(late.config.retentionMs).to.equal(2000);
  });
});
