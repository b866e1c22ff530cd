/** Precedence and change reporting of DynamicBrokerConfig.apply (pure unit: no ZooKeeper is touched). */
import { expect } from 'chai';
import { DynamicBrokerConfig } from '../../lib/broker/dynamic-broker-config';
import { buildBrokerConfig } from '../../lib/config/broker-config';
import { getLogger } from '../../lib/util/logger';
import { ZkClient } from '../../lib/zk/zk-client';

function setup() {
  const config = buildBrokerConfig({ 'broker.id': 1, 'zookeeper.connect': '127.0.0.1:2181', 'log.retention.hours': 1, 'num.replica.fetchers': 2 }).config;
  const dynamic = new DynamicBrokerConfig({ zk: {} as ZkClient, config, topicExists: async () => false, logger: getLogger('test') });
  const changes: string[][] = [];
  dynamic.onChange((keys) => { changes.push([...keys].sort()); });
  return { config, dynamic, changes };
}

describe('broker/dynamic-broker-config', () => {
  it('takes the per-broker value over the cluster default over server.properties, in the live config object', async () => {
    const { config, dynamic } = setup();
    await dynamic.apply({}, { 'log.retention.ms': '5000', 'num.replica.fetchers': '3' });
    expect([config.retentionMs, config.numReplicaFetchers]).to.deep.equal([5000, 3]);
    await dynamic.apply({ 'num.replica.fetchers': '4' }, { 'log.retention.ms': '5000', 'num.replica.fetchers': '3' });
    expect([config.retentionMs, config.numReplicaFetchers]).to.deep.equal([5000, 4]);
    await dynamic.apply({}, {});
    expect([config.retentionMs, config.numReplicaFetchers], 'the static values again').to.deep.equal([3600000, 2]);
    expect(dynamic.staticConfig.retentionMs).to.equal(3600000);
  });

  it('resolves a negative retention to -1 (forever), as server.properties does', async () => {
    const { config, dynamic } = setup();
    await dynamic.apply({ 'log.retention.ms': '-5', 'log.retention.bytes': '-2' }, {});
    expect([config.retentionMs, config.retentionBytes]).to.deep.equal([-1, -1]);
  });

  it('tells listeners exactly which effective keys changed, and nothing when none did', async () => {
    const { dynamic, changes } = setup();
    await dynamic.apply({}, { 'message.max.bytes': '2000', 'leader.replication.throttled.rate': '100' });
    await dynamic.apply({ 'message.max.bytes': '2000' }, { 'message.max.bytes': '2000', 'leader.replication.throttled.rate': '100' });
    await dynamic.apply({ 'message.max.bytes': '3000' }, { 'leader.replication.throttled.rate': '100' });
    expect(changes).to.deep.equal([['leader.replication.throttled.rate', 'message.max.bytes'], ['message.max.bytes']]);
    expect(dynamic.value('leader.replication.throttled.rate')).to.equal('100');
    expect(dynamic.value('follower.replication.throttled.rate')).to.equal(null);
  });
});
