/**
 * Dynamic broker configs on a two-broker cluster (in process, so the live components can be
 * looked at): the cluster default reaches every broker, a per-broker value only its broker and
 * over the default, num.replica.fetchers resizes the running fetchers with replication carrying
 * on, and a restarted broker starts with the stored values.
 */
import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { ReplicaManager } from '../../lib/broker/replica-manager';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { startBroker, tempDir } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const TOPIC = 'dyn';
const PARTITIONS = 6;

function replicasOf(broker: Broker): ReplicaManager {
  return (broker as unknown as { replicas: ReplicaManager }).replicas;
}

describe('integration/dynamic-broker-config', function () {
  this.timeout(90000);
  let zk: TestZooKeeper;
  const brokers = new Map<number, Broker>();
  const logDirs = new Map<number, string>();
  let admin: Admin;

  async function start(id: number): Promise<void> {
    brokers.set(id, await startBroker({ brokerId: id, zkConnect: zk.connectString, logDir: logDirs.get(id), overrides: { 'replica.fetch.backoff.ms': 100 } }));
  }

  before(async () => {
    zk = await startTestZooKeeper();
    for (const id of [1, 2]) logDirs.set(id, tempDir(`dynamic-broker${id}`));
    await Promise.all([start(1), start(2)]);
    admin = new Admin({ bootstrapServers: `127.0.0.1:${brokers.get(1)!.port}` });
    const assignment: Record<number, number[]> = {};
    for (let p = 0; p < PARTITIONS; p++) assignment[p] = [1, 2];
    await admin.createTopic({ topic: TOPIC, replicaAssignment: assignment });
  });

  after(async () => {
    await admin?.close();
    await Promise.all([...brokers.values()].map((b) => b.shutdown()));
    await zk?.stop();
  });

  it('applies the cluster default on every broker and a per-broker value only on its broker, over the default', async () => {
    const [b1, b2] = [brokers.get(1)!, brokers.get(2)!];
    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '' }, ops: [{ name: 'message.max.bytes', op: 'set', value: '500000' }] }]);
    await waitUntil('the default on both brokers', () => b1.config.messageMaxBytes === 500000 && b2.config.messageMaxBytes === 500000);
    const result = await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '2' }, ops: [{ name: 'message.max.bytes', op: 'set', value: '600000' }] }]);
    expect(result.get('broker:2')).to.equal(null);
    await waitUntil('the per-broker value on broker 2', () => b2.config.messageMaxBytes === 600000);
    expect(b1.config.messageMaxBytes).to.equal(500000);
    const described = await admin.describeConfigs([{ type: 'broker', name: '2' }], { includeSynonyms: true });
    expect(described.get('broker:2')?.find((e) => e.name === 'message.max.bytes')?.synonyms.map((s) => [s.source, s.value])).to.deep.equal([
      ['DYNAMIC_BROKER_CONFIG', '600000'], ['DYNAMIC_DEFAULT_BROKER_CONFIG', '500000'], ['DEFAULT_CONFIG', '1048588'],
    ]);
  });

  it('resizes broker 2\'s replica fetchers for num.replica.fetchers, and replication carries on', async () => {
    const fetchers = replicasOf(brokers.get(2)!).replicaFetchers;
    await waitUntil('broker 2 to follow broker 1', () => fetchers.fetcherCount === 1);
    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '2' }, ops: [{ name: 'num.replica.fetchers', op: 'set', value: '4' }] }]);
    await waitUntil('more fetchers on broker 2', () => fetchers.fetcherCount > 1);
    expect(brokers.get(1)!.config.numReplicaFetchers).to.equal(1);

    const producer = new Producer({ bootstrapServers: `127.0.0.1:${brokers.get(1)!.port}`, acks: -1 });
    try {
      for (let p = 0; p < PARTITIONS; p++) await producer.send({ topic: TOPIC, partition: p, value: Buffer.from(`v${p}`) });
    } finally {
      await producer.close();
    }
    const follower = replicasOf(brokers.get(2)!);
    await waitUntil('every follower replica to catch up', () => {
      for (let p = 0; p < PARTITIONS; p++) if ((follower.getPartition(TOPIC, p)?.log.logEndOffset ?? 0) < 1) return false;
      return true;
    });

    await admin.incrementalAlterConfigs([{ resource: { type: 'broker', name: '2' }, ops: [{ name: 'num.replica.fetchers', op: 'delete' }] }]);
    await waitUntil('one fetcher again', () => fetchers.fetcherCount === 1);
  });

  it('starts a restarted broker with its stored dynamic values', async () => {
    await brokers.get(2)!.shutdown();
    await start(2);
    const b2 = brokers.get(2)!;
    expect(b2.config.messageMaxBytes).to.equal(600000);
    expect(b2.dynamicConfig?.perBroker).to.deep.equal({ 'message.max.bytes': '600000' });
    expect(b2.dynamicConfig?.clusterDefault).to.deep.equal({ 'message.max.bytes': '500000' });
  });
});
