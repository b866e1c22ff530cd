/**
 * Which fetcher follows which partition: `num.replica.fetchers` sessions per leader broker, a
 * partition always on the same one (by hash), so moving a partition to a new leader is a remove
 * from one fetcher and an add to another. Idle fetchers are shut down.
 */
import { javaStringHashCode, kafkaAbs } from '../util/java-hash';
import { Logger } from '../util/logger';
import { Partition } from './partition';
import { BrokerAddress, FetcherSettings, ReplicaFetcher } from './replica-fetcher';

export interface FetcherManagerOptions extends FetcherSettings {
  numFetchers: number;
  addressOf: (brokerId: number) => BrokerAddress | undefined;
  logger: Logger;
}

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  /** partition key -> fetcher key */
  private readonly assignment = new Map<string, string>();
  /** The partitions followed, to move them when num.replica.fetchers changes. */
  private readonly followed = new Map<string, Partition>();
  private numFetchers: number;

  constructor(private readonly opts: FetcherManagerOptions) {
    this.numFetchers = opts.numFetchers;
  }

  private fetcherKeyOf(partition: Partition): string {
    return `${partition.leaderId}:${kafkaAbs(javaStringHashCode(partition.key)) % this.numFetchers}`;
  }

  /** Follows `partition` from its current leader, replacing any previous fetcher for it. */
  async follow(partition: Partition): Promise<void> {
    await this.unfollow(partition.key);
    const fetcherKey = this.fetcherKeyOf(partition);
    let fetcher = this.fetchers.get(fetcherKey);
    if (!fetcher) {
      const leaderId = partition.leaderId;
      fetcher = new ReplicaFetcher(leaderId, () => this.opts.addressOf(leaderId), this.opts, this.opts.logger);
      this.fetchers.set(fetcherKey, fetcher);
    }
    fetcher.add(partition);
    this.assignment.set(partition.key, fetcherKey);
    this.followed.set(partition.key, partition);
  }

  /**
   * num.replica.fetchers changed at runtime (a dynamic broker config): each partition whose hash
   * now picks another fetcher moves to it, as Kafka's resizeThreadPool; idle fetchers stop.
   */
  async resize(numFetchers: number): Promise<void> {
    if (numFetchers === this.numFetchers) return;
    this.opts.logger.info(`Resizing replica fetchers from ${this.numFetchers} to ${numFetchers} per source broker`);
    this.numFetchers = numFetchers;
    for (const partition of [...this.followed.values()]) {
      // A LeaderAndIsr may have moved or dropped the partition while an earlier one was moving.
      if (this.followed.get(partition.key) !== partition) continue;
      if (this.assignment.get(partition.key) !== this.fetcherKeyOf(partition)) await this.follow(partition);
    }
  }

  /** Fetcher sessions running (one per source broker and fetcher index in use). */
  get fetcherCount(): number {
    return this.fetchers.size;
  }

  /** Stops following; resolves once no follower append for the partition is in progress. */
  async unfollow(partitionKey: string): Promise<void> {
    const fetcherKey = this.assignment.get(partitionKey);
    if (fetcherKey === undefined) return;
    this.assignment.delete(partitionKey);
    this.followed.delete(partitionKey);
    const fetcher = this.fetchers.get(fetcherKey);
    if (!fetcher) return;
    await fetcher.remove(partitionKey);
    if (fetcher.partitionCount === 0 && this.fetchers.get(fetcherKey) === fetcher) {
      this.fetchers.delete(fetcherKey);
      await fetcher.shutdown();
    }
  }

  isFollowing(partitionKey: string): boolean {
    return this.assignment.has(partitionKey);
  }

  async shutdown(): Promise<void> {
    const fetchers = [...this.fetchers.values()];
    this.fetchers.clear();
    this.assignment.clear();
    this.followed.clear();
    await Promise.all(fetchers.map((f) => f.shutdown()));
  }
}
