/**
 * Starts the broker's dynamic config (lib/broker/dynamic-broker-config.ts) and connects the
 * components that copied a value at construction, so a change reaches them:
 * num.replica.fetchers → the replica fetchers. Keys read at use time (message.max.bytes,
 * min.insync.replicas, log.retention.* defaults...) need nothing here: the config object itself
 * changes. The log.* topic defaults of logs already open are reapplied by the lead's hook
 * through `onChange` (a log manager's reapplyAll()).
 */
import { BrokerConfig } from '../config/broker-config';
import { getLogger } from '../util/logger';
import { ClusterStore } from '../zk/cluster-store';
import { ConfigChangeListener } from '../zk/config-change-listener';
import { ZkClient } from '../zk/zk-client';
import { DynamicBrokerConfig } from './dynamic-broker-config';
import { MetadataCache } from './metadata-cache';
import { ReplicaManager } from './replica-manager';

export { DynamicBrokerConfig };

export interface DynamicConfigWiring {
  zk: ZkClient;
  config: BrokerConfig;
  configChanges: ConfigChangeListener;
  store: ClusterStore;
  metadata: MetadataCache;
  replicas: ReplicaManager;
}

/** Loads `/config/brokers/<id>` and `<default>` and registers for their changes; call before `configChanges.start()`. */
export async function startDynamicBrokerConfig(w: DynamicConfigWiring): Promise<DynamicBrokerConfig> {
  const dynamic = new DynamicBrokerConfig({
    zk: w.zk, config: w.config, logger: getLogger('dynamic-config'),
    topicExists: async (topic) => w.metadata.hasTopic(topic) || w.store.topicExists(topic),
  });
  await dynamic.start(w.configChanges);
  return dynamic;
}
