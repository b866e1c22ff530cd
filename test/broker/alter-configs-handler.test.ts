/**
 * The config-altering handlers on their own (pure unit: a fake entity store, no ZooKeeper):
 * authorization before any read or write, and the replace-all / incremental semantics.
 */
import { expect } from 'chai';
import { BrokerContext } from '../../lib/broker/broker-context';
import { alterConfigsHandler, ConfigAdminDeps, incrementalAlterConfigsHandler } from '../../lib/broker/handlers/alter-configs';
import { LogLevelControl } from '../../lib/broker/log-level-control';
import { RequestContext } from '../../lib/broker/request-context';
import { ErrorCode } from '../../lib/protocol/errors';
import { AuthorizationRequest, Authorizer } from '../../lib/security/acl/acl-types';
import { ConnectionSession } from '../../lib/security/session';
import { ConfigUpdate, EntityConfigStore } from '../../lib/zk/entity-config';

function rc(apiKey: number): RequestContext {
  return {
    header: { apiKey, apiVersion: 0, correlationId: 1, clientId: 'test' }, connectionId: 'c1', remoteAddress: '127.0.0.1:5000',
    listenerName: 'PLAINTEXT', session: new ConnectionSession('PLAINTEXT', 'PLAINTEXT', '127.0.0.1'),
  };
}

/** Entity configs in memory, counting writes. */
class MemoryStore {
  readonly configs = new Map<string, Record<string, string>>();
  writes = 0;
  async getConfig(type: string, name: string): Promise<Record<string, string>> {
    return { ...(this.configs.get(`${type}/${name}`) ?? {}) };
  }
  async updateConfig(type: string, name: string, update: ConfigUpdate): Promise<Record<string, string>> {
    const next = update(await this.getConfig(type, name));
    this.configs.set(`${type}/${name}`, next);
    this.writes++;
    return next;
  }
}

function setup(authorizer: Authorizer | null = null) {
  const store = new MemoryStore();
  const deps: ConfigAdminDeps = {
    store: store as unknown as EntityConfigStore,
    logLevels: new LogLevelControl(() => 'info'),
    topicExists: async (t) => t === 'orders',
  };
  const ctx = { brokerId: 1, authorizer } as unknown as BrokerContext;
  return { store, alter: alterConfigsHandler(ctx, deps), incremental: incrementalAlterConfigsHandler(ctx, deps) };
}

describe('broker/handlers/alter-configs', () => {
  it('asks AlterConfigs on the topic, and on the Cluster for brokers and loggers, before reading or writing', async () => {
    const asked: string[] = [];
    const denyAll: Authorizer = {
      authorize: (r: AuthorizationRequest) => { asked.push(`${r.operation} ${r.resource.resourceType}:${r.resource.name} (${r.apiName})`); return false; },
      authorizeByResourceType: () => false,
    };
    const { store, incremental, alter } = setup(denyAll);
    const set = [{ name: 'retention.ms', configOperation: 0, value: '1' }];
    const answer = await incremental({ validateOnly: false, resources: [
      { resourceType: 2, resourceName: 'orders', configs: set },
      { resourceType: 4, resourceName: '', configs: set },
      { resourceType: 8, resourceName: '1', configs: set },
    ] }, rc(44));
    expect(answer!.responses.map((r) => r.errorCode)).to.deep.equal([
      ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code,
    ]);
    await alter({ validateOnly: false, resources: [{ resourceType: 2, resourceName: 'orders', configs: [] }] }, rc(33));
    expect(asked).to.deep.equal([
      'AlterConfigs Topic:orders (IncrementalAlterConfigs)', 'AlterConfigs Cluster:kafka-cluster (IncrementalAlterConfigs)',
      'AlterConfigs Cluster:kafka-cluster (IncrementalAlterConfigs)', 'AlterConfigs Topic:orders (AlterConfigs)',
    ]);
    expect(store.writes).to.equal(0);
  });

  it('replaces the whole config with AlterConfigs and changes single keys with IncrementalAlterConfigs', async () => {
    const { store, incremental, alter } = setup();
    store.configs.set('topics/orders', { 'retention.ms': '1000', 'segment.bytes': '4096' });
    await alter({ validateOnly: false, resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'cleanup.policy', value: 'compact' }] }] }, rc(33));
    expect(store.configs.get('topics/orders')).to.deep.equal({ 'cleanup.policy': 'compact' });
    await incremental({ validateOnly: false, resources: [{ resourceType: 2, resourceName: 'orders', configs: [
      { name: 'retention.ms', configOperation: 0, value: '5000' }, { name: 'cleanup.policy', configOperation: 1, value: null },
    ] }] }, rc(44));
    expect(store.configs.get('topics/orders')).to.deep.equal({ 'retention.ms': '5000' });
    const broker = await incremental({ validateOnly: false, resources: [{ resourceType: 4, resourceName: '2', configs: [
      { name: 'log.cleanup.policy', configOperation: 2, value: 'compact' },
    ] }] }, rc(44));
    // log.cleanup.policy is a list to Kafka; Samsa takes one value, so "delete,compact" is refused by name.
    expect(broker!.responses[0].errorCode).to.equal(ErrorCode.INVALID_CONFIG.code);
    expect(broker!.responses[0].errorMessage).to.contain('log.cleanup.policy');
    expect(store.configs.has('brokers/2')).to.equal(false);
  });

  it('refuses a negative or non-numeric broker id, and an unknown resource type', async () => {
    const { incremental } = setup();
    const set = [{ name: 'log.retention.ms', configOperation: 0, value: '1' }];
    const answer = await incremental({ validateOnly: false, resources: [
      { resourceType: 4, resourceName: 'one', configs: set }, { resourceType: 4, resourceName: '-1', configs: set },
      { resourceType: 3, resourceName: 'x', configs: set },
    ] }, rc(44));
    expect(answer!.responses.map((r) => r.errorCode)).to.deep.equal([42, 42, 42]);
    expect(answer!.responses[0].errorMessage).to.equal('Broker id must be an integer, but it is: one');
  });
});
