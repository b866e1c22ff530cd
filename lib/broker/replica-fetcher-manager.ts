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

  constructor(private readonly opts: FetcherManagerOptions) {}

  /** Follows `partition` from its current leader, replacing any previous fetcher for it. */
  async follow(partition: Partition): Promise<void> {
    await this.unfollow(partition.key);
    const fetcherKey = `${partition.leaderId}:${kafkaAbs(javaStringHashCode(partition.key)) % this.opts.numFetchers}`;
    let fetcher = this.fetchers.get(fetcherKey);
    if (!fetcher) {
      const leaderId = partition.leaderId;
      fetcher = new ReplicaFetcher(leaderId, () => this.opts.addressOf(leaderId), this.opts, this.opts.logger);
      this.fetchers.set(fetcherKey, fetcher);
    }
    fetcher.add(partition);
    this.assignment.set(partition.key, fetcherKey);
  }

  /** Stops following; resolves once no follower append for the partition is in progress. */
  async unfollow(partitionKey: string): Promise<void> {
    const fetcherKey = this.assignment.get(partitionKey);
    if (fetcherKey === undefined) return;
    this.assignment.delete(partitionKey);
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
    await Promise.all(fetchers.map((f) => f.shutdown()));
  }
}
