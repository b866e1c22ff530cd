/**
 * Replication throttles, as Kafka 2.8's ReplicationQuotaManager: a leader quota and a follower
 * quota per broker, each a rate bound (`leader.replication.throttled.rate` /
 * `follower.replication.throttled.rate` in `/config/brokers/<this broker>`; unset is unlimited)
 * and a set of throttled replicas (the topic keys `leader.replication.throttled.replicas` /
 * `follower.replication.throttled.replicas`, the entries naming this broker, or `*`).
 *
 * - The leader, answering a follower's fetch, skips a throttled partition of a follower that is
 *   not in the ISR while its leader quota is exceeded, and records the bytes it sends for every
 *   throttled partition (lib/broker/handlers/fetch.ts).
 * - The follower leaves out of its fetch a throttled partition it has not caught up on while its
 *   follower quota is exceeded, and records the bytes it appends for throttled partitions
 *   (lib/broker/replica-fetcher.ts).
 * In-sync replicas are never held back, so throttling a reassignment cannot shrink the ISR.
 *
 * `samsa-reassign-partitions --throttle` sets both pairs and `--verify` removes them.
 */
import {
  FOLLOWER_THROTTLED_RATE, FOLLOWER_THROTTLED_REPLICAS, LEADER_THROTTLED_RATE, LEADER_THROTTLED_REPLICAS, throttledPartitionsOf,
} from '../config/replication-throttle-config';
import { Logger } from '../util/logger';
import { ConfigChangeListener } from '../zk/config-change-listener';
import { EntityConfigStore } from '../zk/entity-config';
import { isZkError } from '../zk/zk-errors';
import { ZkPaths } from '../zk/znodes';
import { ZnodeFormatError } from '../zk/znode-json';
import { QuotaWindowConfig } from './client-quotas';
import { WindowedRate } from './quota-rate';

/** What the replica fetcher and the fetch handler ask of a replication quota. */
export interface ReplicationQuota {
  isThrottled(topic: string, partition: number): boolean;
  isQuotaExceeded(): boolean;
  record(bytes: number): void;
}

export class ReplicationQuotaManager implements ReplicationQuota {
  private boundBytesPerSecond = Infinity;
  private readonly throttled = new Map<string, 'all' | ReadonlySet<number>>();
  private readonly rate: WindowedRate;

  constructor(readonly kind: 'leader' | 'follower', window: QuotaWindowConfig, private readonly now: () => number = Date.now) {
    this.rate = new WindowedRate(window.numSamples, window.windowMs, true);
  }

  /** The rate bound in bytes/s; undefined (the key unset) is unlimited. */
  setRate(bytesPerSecond: number | undefined): void {
    this.boundBytesPerSecond = bytesPerSecond ?? Infinity;
  }

  get rateBound(): number {
    return this.boundBytesPerSecond;
  }

  /** Kafka's markThrottled / removeThrottle: the topic's throttled partitions on this broker. */
  setThrottled(topic: string, partitions: 'all' | ReadonlySet<number>): void {
    if (partitions !== 'all' && partitions.size === 0) this.throttled.delete(topic);
    else this.throttled.set(topic, partitions);
  }

  isThrottled(topic: string, partition: number): boolean {
    const set = this.throttled.get(topic);
    return set !== undefined && (set === 'all' || set.has(partition));
  }

  isQuotaExceeded(): boolean {
    return Number.isFinite(this.boundBytesPerSecond) && this.rate.measure(this.now()) > this.boundBytesPerSecond;
  }

  record(bytes: number): void {
    this.rate.record(bytes, this.now());
  }
}

/** The broker's two replication quotas, loaded from ZooKeeper and kept current. */
export class ReplicationQuotas {
  readonly leader: ReplicationQuotaManager;
  readonly follower: ReplicationQuotaManager;

  constructor(private readonly brokerId: number, window: QuotaWindowConfig) {
    this.leader = new ReplicationQuotaManager('leader', window);
    this.follower = new ReplicationQuotaManager('follower', window);
  }

  /** Applies a topic's config (Kafka's TopicConfigHandler for the throttled-replica keys). */
  applyTopicConfig(topic: string, config: Readonly<Record<string, string>>): void {
    this.leader.setThrottled(topic, throttledPartitionsOf(config[LEADER_THROTTLED_REPLICAS], this.brokerId));
    this.follower.setThrottled(topic, throttledPartitionsOf(config[FOLLOWER_THROTTLED_REPLICAS], this.brokerId));
  }

  /** Applies this broker's dynamic config (Kafka's BrokerConfigHandler: only `/config/brokers/<id>` carries the rates). */
  applyBrokerConfig(config: Readonly<Record<string, string>>): void {
    const rate = (key: string): number | undefined => {
      const value = config[key] === undefined ? NaN : Number(config[key]);
      return Number.isFinite(value) && value >= 0 ? value : undefined;
    };
    this.leader.setRate(rate(LEADER_THROTTLED_RATE));
    this.follower.setRate(rate(FOLLOWER_THROTTLED_RATE));
  }

  /** Loads every topic's throttled replicas and this broker's rates, then follows their changes (before `changes.start()`). */
  async start(configs: EntityConfigStore, changes: ConfigChangeListener, logger: Logger): Promise<void> {
    const read = async (type: 'topics' | 'brokers', name: string): Promise<Record<string, string>> => {
      try {
        return await configs.getConfig(type, name);
      } catch (err) {
        if (!(err instanceof ZnodeFormatError)) throw err;
        logger.warn(`Ignoring replication throttles in ${err.path}: ${err.message}`);
        return {};
      }
    };
    let topics: string[] = [];
    try {
      topics = await configs.zk.getChildren(ZkPaths.topicConfigs);
    } catch (err) {
      if (!isZkError(err, 'NO_NODE')) throw err;
    }
    for (const topic of topics) this.applyTopicConfig(topic, await read('topics', topic));
    this.applyBrokerConfig(await read('brokers', String(this.brokerId)));
    changes.on('topics', async (change) => {
      if (change.name !== null) this.applyTopicConfig(change.name, await read('topics', change.name));
    });
    changes.on('brokers', async (change) => {
      if (change.name !== String(this.brokerId)) return;
      this.applyBrokerConfig(await read('brokers', change.name));
      logger.info(`Replication throttle rates: leader ${this.leader.rateBound} B/s, follower ${this.follower.rateBound} B/s`);
    });
  }
}
