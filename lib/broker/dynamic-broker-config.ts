/**
 * The broker's dynamic configs, as Kafka's DynamicBrokerConfig: `/config/brokers/<id>` (this
 * broker) and `/config/brokers/<default>` (every broker), loaded at startup and followed through
 * the ConfigChangeListener. The effective config is, key by key, the per-broker value, else the
 * cluster default, else server.properties, else the key's default.
 *
 * Kafka swaps its currentConfig; here the broker's one BrokerConfig object is updated in place
 * (from a snapshot of the static config taken at startup), so every reader of `config.x` at use
 * time (handlers, retention, produce checks) sees the new value. Components that copied a value
 * at construction register with onChange(keys => ...) and reconfigure themselves.
 */
import { BrokerConfig } from '../config/broker-config';
import { parseValue, ConfigKey } from '../config/config-def';
import { dynamicBrokerKeyDef, SUBSYSTEM_LOG_LEVEL_PREFIX } from '../config/dynamic-broker-keys';
import { Logger } from '../util/logger';
import { ConfigChangeListener, EntityConfigChange } from '../zk/config-change-listener';
import { DEFAULT_ENTITY_NAME, EntityConfigStore } from '../zk/entity-config';
import { ZkClient } from '../zk/zk-client';
import { DynamicConfigView } from './config-entries';
import { ConfigAdminDeps } from './handlers/alter-configs';
import { LogLevelControl } from './log-level-control';

/** The BrokerConfig field each dynamic key sets, and how its parsed value becomes the field's (negative retention: forever). */
const FIELD_OF: Readonly<Record<string, { field: keyof BrokerConfig; convert?: (v: number) => number }>> = {
  'log.segment.bytes': { field: 'segmentBytes' },
  'log.roll.ms': { field: 'segmentMs' },
  'log.index.size.max.bytes': { field: 'indexSizeMaxBytes' },
  'log.index.interval.bytes': { field: 'indexIntervalBytes' },
  'log.flush.interval.messages': { field: 'flushIntervalMessages' },
  'log.flush.interval.ms': { field: 'flushIntervalMs' },
  'log.retention.bytes': { field: 'retentionBytes', convert: (v) => (v < 0 ? -1 : v) },
  'log.retention.ms': { field: 'retentionMs', convert: (v) => (v < 0 ? -1 : v) },
  'message.max.bytes': { field: 'messageMaxBytes' },
  'log.cleaner.delete.retention.ms': { field: 'deleteRetentionMs' },
  'log.cleaner.min.cleanable.ratio': { field: 'minCleanableDirtyRatio' },
  'log.cleanup.policy': { field: 'cleanupPolicy' },
  'unclean.leader.election.enable': { field: 'uncleanLeaderElectionEnable' },
  'min.insync.replicas': { field: 'minInsyncReplicas' },
  'compression.type': { field: 'compressionType' },
  'log.message.timestamp.type': { field: 'messageTimestampType' },
  'log.cleaner.backoff.ms': { field: 'logCleanerBackoffMs' },
  'num.replica.fetchers': { field: 'numReplicaFetchers' },
  'log.level': { field: 'logLevel' },
};

export type DynamicConfigListener = (changedKeys: ReadonlySet<string>) => void | Promise<void>;

export interface DynamicBrokerConfigOptions {
  zk: ZkClient;
  /** The broker's live config object, updated in place. */
  config: BrokerConfig;
  topicExists: (topic: string) => Promise<boolean>;
  logger: Logger;
}

export class DynamicBrokerConfig implements ConfigAdminDeps, DynamicConfigView {
  readonly store: EntityConfigStore;
  readonly logLevels: LogLevelControl;
  readonly staticConfig: Readonly<BrokerConfig>;
  private perBrokerValues: Readonly<Record<string, string>> = {};
  private clusterDefaultValues: Readonly<Record<string, string>> = {};
  private readonly listeners: DynamicConfigListener[] = [];
  private readonly config: BrokerConfig;
  private readonly logger: Logger;

  constructor(private readonly options: DynamicBrokerConfigOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.staticConfig = Object.freeze({ ...options.config });
    this.store = new EntityConfigStore(options.zk);
    this.logLevels = new LogLevelControl(() => this.staticConfig.logLevel);
  }

  /** `/config/brokers/<id>` as applied (valid keys only). */
  get perBroker(): Readonly<Record<string, string>> {
    return this.perBrokerValues;
  }

  /** `/config/brokers/<default>` as applied (valid keys only). */
  get clusterDefault(): Readonly<Record<string, string>> {
    return this.clusterDefaultValues;
  }

  topicExists(topic: string): Promise<boolean> {
    return this.options.topicExists(topic);
  }

  /** Loads both znodes and follows their changes; call before `configChanges.start()`. */
  async start(configChanges: ConfigChangeListener): Promise<void> {
    configChanges.on('brokers', (change) => this.onEntityChange(change));
    await this.reload();
  }

  /** Registers a component to reconfigure when dynamic keys change; returns the unregister function. */
  onChange(listener: DynamicConfigListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  private async onEntityChange(change: EntityConfigChange): Promise<void> {
    if (change.name === DEFAULT_ENTITY_NAME || change.name === String(this.config.brokerId)) await this.reload();
  }

  /**
   * The effective string value of a dynamic key (per-broker over cluster default), or null when
   * neither sets it: for keys with no BrokerConfig field, such as the replication throttle rates.
   */
  value(name: string): string | null {
    return this.perBroker[name] ?? this.clusterDefault[name] ?? null;
  }

  /** Re-reads both znodes and applies the result. */
  async reload(): Promise<void> {
    const [perBroker, clusterDefault] = await Promise.all([
      this.store.getConfig('brokers', String(this.config.brokerId)),
      this.store.getConfig('brokers', DEFAULT_ENTITY_NAME),
    ]);
    await this.apply(this.valid(perBroker, `/config/brokers/${this.config.brokerId}`), this.valid(clusterDefault, `/config/brokers/${DEFAULT_ENTITY_NAME}`));
  }

  /** Drops (with a warning) what no AlterConfigs would have written: another tool's keys or values. */
  private valid(props: Record<string, string>, where: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(props)) {
      const def = dynamicBrokerKeyDef(name);
      try {
        if (def === undefined) throw new Error(`${name} cannot be updated dynamically`);
        parseValue(name, def, value);
        out[name] = value;
      } catch (err) {
        this.logger.warn(`Ignoring dynamic broker config ${name}=${value} in ${where}: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /** Applies new dynamic values (already validated); public so tests can drive it without ZooKeeper. */
  async apply(perBroker: Record<string, string>, clusterDefault: Record<string, string>): Promise<void> {
    const before = { ...this.clusterDefault, ...this.perBroker };
    this.perBrokerValues = Object.freeze({ ...perBroker });
    this.clusterDefaultValues = Object.freeze({ ...clusterDefault });
    const after = { ...this.clusterDefault, ...this.perBroker };
    const changed = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => before[k] !== after[k]));
    for (const [name, { field, convert }] of Object.entries(FIELD_OF)) {
      const raw = after[name];
      const def = dynamicBrokerKeyDef(name) as ConfigKey<unknown>;
      const value = raw === undefined ? this.staticConfig[field] : parseValue(name, def, raw);
      (this.config as unknown as Record<string, unknown>)[field] = convert && typeof value === 'number' ? convert(value) : value;
    }
    const subsystems = new Map<string, string>();
    for (const [name, value] of Object.entries(after)) {
      if (name.startsWith(SUBSYSTEM_LOG_LEVEL_PREFIX)) subsystems.set(name.slice(SUBSYSTEM_LOG_LEVEL_PREFIX.length), value.toLowerCase());
    }
    this.logLevels.setFromConfig(after['log.level'] === undefined ? null : this.config.logLevel, subsystems);
    if (changed.size === 0) return;
    this.logger.info(`Dynamic broker config changed: ${[...changed].sort().map((k) => `${k}=${after[k] ?? '(static)'}`).join(', ')}`);
    for (const listener of [...this.listeners]) {
      try {
        await listener(changed);
      } catch (err) {
        this.logger.error(`Reconfiguring after a dynamic config change (${[...changed].join(', ')}) failed: ${(err as Error).message}`);
      }
    }
  }
}
