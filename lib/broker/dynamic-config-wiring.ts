/**
 * Starts the broker's dynamic config (lib/broker/dynamic-broker-config.ts) and connects the
 * components that copied a value at construction, so a change reaches them:
 * num.replica.fetchers → the replica fetchers, log.cleaner.backoff.ms → the log cleaner, and a
 * broker default of a topic config (log.retention.ms, message.max.bytes...) → the open logs
 * through `reapplyTopicDefaults`. Keys read at use time need nothing here: the config object
 * itself changes.
 */
import { BrokerConfig } from '../config/broker-config';
import { getLogger } from '../util/logger';
import { ClusterStore } from '../zk/cluster-store';
import { ConfigChangeListener } from '../zk/config-change-listener';
import { ZkClient } from '../zk/zk-client';
import { DynamicBrokerConfig } from './dynamic-broker-config';
import { MetadataCache } from './metadata-cache';
import { ReplicaManager } from './replica-manager';
import { LogManager } from '../storage/log-manager';
import { TOPIC_DEFAULT_BROKER_KEYS } from './config-entries';

export { DynamicBrokerConfig };

export interface DynamicConfigWiring {
  zk: ZkClient;
  config: BrokerConfig;
  configChanges: ConfigChangeListener;
  store: ClusterStore;
  metadata: MetadataCache;
  replicas: ReplicaManager;
  logManager: LogManager;
  /**
   * Re-derives every open log's config (its topic overrides over the new broker defaults) and
   * partition settings such as min.insync.replicas; called after a broker default of a topic
   * config changed. The live topic config work (issue 11, part A) provides it.
   */
  reapplyTopicDefaults?: () => void | Promise<void>;
}

/** Loads `/config/brokers/<id>` and `<default>` and registers for their changes; call before `configChanges.start()`. */
export async function startDynamicBrokerConfig(w: DynamicConfigWiring): Promise<DynamicBrokerConfig> {
  const dynamic = new DynamicBrokerConfig({
    zk: w.zk, config: w.config, logger: getLogger('dynamic-config'),
    topicExists: async (topic) => w.metadata.hasTopic(topic) || w.store.topicExists(topic),
  });
  dynamic.onChange(async (keys) => {
    if (keys.has('num.replica.fetchers')) await w.replicas.replicaFetchers.resize(w.config.numReplicaFetchers);
    if (keys.has('log.cleaner.backoff.ms')) w.logManager.logCleaner.setBackoffMs(w.config.logCleanerBackoffMs);
    if ([...keys].some((k) => TOPIC_DEFAULT_BROKER_KEYS.has(k))) await w.reapplyTopicDefaults?.();
  });
  await dynamic.start(w.configChanges);
  return dynamic;
}
