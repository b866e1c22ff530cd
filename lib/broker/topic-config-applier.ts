/**
 * Applies topic configuration to this broker's live logs and partitions, without a restart.
 *
 * A topic's effective settings are its `/config/topics/<t>` overrides over the broker defaults.
 * They are computed here for every partition the broker creates (ReplicaManager asks through
 * partitionConfigFor), and recomputed when they change: the ConfigChangeListener hands us each
 * `topics/<t>` notification, and the lead's dynamic broker config calls reapplyAll() when a
 * broker default (log.retention.ms, ...) changes. Each local replica of the topic, leader or
 * follower, and any log on disk not yet assigned, gets the new LogConfig (PartitionLog.updateConfig:
 * retention, segment sizes, cleanup policy, flush, timestamps, compaction lags from their next
 * use) and its Partition the new min.insync.replicas (the next acks=all produce checks it).
 *
 * unclean.leader.election.enable is the controller's concern: it re-reads it on the same
 * notifications (controller/unclean-election-config.ts).
 *
 * Changes are applied one at a time, in notification order, and always from a fresh read of
 * ZooKeeper, so a replayed or reordered notification cannot leave a stale config behind. A
 * partition being created while a change lands read its config before or after the write: we
 * wait for such creations to finish before reading, so either way it ends up current. An invalid
 * stored config (written by hand) is logged and the logs keep their previous settings.
 */
import { BrokerConfig } from '../config/broker-config';
import { effectiveLogConfig, LogConfig as EffectiveLogConfig } from '../config/topic-config';
import { LogConfig, MAX_TIMER_MS } from '../storage/log-config';
import type { PartitionLog } from '../storage/partition-log';
import { Logger } from '../util/logger';
import type { ConfigChangeListener, EntityConfigChange } from '../zk/config-change-listener';
import type { Partition } from './partition';
import type { PartitionConfig } from './replica-manager';

export interface TopicConfigApplierDeps {
  /** The broker-level defaults now (static file, later with dynamic broker configs applied). */
  brokerDefaults: () => BrokerConfig;
  /** `/config/topics/<t>` as stored; empty when the topic has no overrides (or is not known yet). */
  topicOverrides: (topic: string) => Promise<Record<string, string>>;
  /** Every log this broker holds, assigned or not. */
  logs: () => Iterable<PartitionLog>;
  /** Every partition this broker hosts. */
  partitions: () => Iterable<Partition>;
  /** Resolves once partitions being created right now exist (ReplicaManager.partitionsSettled). */
  creationsSettled: () => Promise<void>;
  logger: Logger;
}

/** Broker defaults plus a topic's overrides, in the form storage takes (no flush timer = a huge interval). */
export function storageLogConfig(effective: EffectiveLogConfig): LogConfig {
  return { ...effective, flushIntervalMs: effective.flushIntervalMs ?? MAX_TIMER_MS * 2 };
}

export class TopicConfigApplier {
  /** Serializes applications: each one reads ZooKeeper after the previous one finished. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: TopicConfigApplierDeps) {}

  /** Follows topic config changes; call before `listener.start()`. */
  register(listener: ConfigChangeListener): void {
    listener.on('topics', (change: EntityConfigChange) => (change.name === null ? undefined : this.applyTopic(change.name)));
  }

  /** The settings a new replica of `topic` starts with (ReplicaManager's partitionConfigFor). */
  async partitionConfigFor(topic: string): Promise<PartitionConfig> {
    const effective = effectiveLogConfig(this.deps.brokerDefaults(), await this.deps.topicOverrides(topic));
    return { log: storageLogConfig(effective), minInsyncReplicas: effective.minInsyncReplicas };
  }

  /** Re-reads `/config/topics/<topic>` and applies it to every local replica of the topic. */
  applyTopic(topic: string): Promise<void> {
    return this.enqueue(() => this.apply([topic]));
  }

  /** Recomputes every local log's config: after a change of a dynamic broker default (log.retention.ms, ...). */
  reapplyAll(): Promise<void> {
    return this.enqueue(() => this.apply(this.localTopics()));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private localTopics(): string[] {
    const topics = new Set<string>();
    for (const log of this.deps.logs()) topics.add(log.topic);
    for (const partition of this.deps.partitions()) topics.add(partition.topic);
    return [...topics].sort();
  }

  private async apply(topics: readonly string[]): Promise<void> {
    await this.deps.creationsSettled();
    for (const topic of topics) {
      let config: PartitionConfig;
      try {
        config = await this.partitionConfigFor(topic);
      } catch (err) {
        this.deps.logger.error(`Not applying the config of topic ${topic}: ${(err as Error).message}; its logs keep their current settings`);
        continue;
      }
      this.applyToReplicas(topic, config);
    }
  }

  private applyToReplicas(topic: string, config: PartitionConfig): void {
    const changed = new Set<string>();
    let replicas = 0;
    for (const log of this.deps.logs()) {
      if (log.topic !== topic || log.isClosed) continue;
      for (const field of changedFields(log.config, config.log)) changed.add(field);
      log.updateConfig(config.log);
      replicas++;
    }
    for (const partition of this.deps.partitions()) {
      if (partition.topic !== topic || partition.minInsyncReplicas === config.minInsyncReplicas) continue;
      changed.add('minInsyncReplicas');
      partition.minInsyncReplicas = config.minInsyncReplicas;
    }
    if (changed.size > 0) {
      this.deps.logger.info(`Applied config of topic ${topic} to ${replicas} local log(s); changed: ${[...changed].sort().join(', ')}`);
    }
  }
}

function changedFields(before: Readonly<LogConfig>, after: Readonly<LogConfig>): string[] {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof LogConfig>;
  return [...fields].filter((field) => before[field] !== after[field]);
}
