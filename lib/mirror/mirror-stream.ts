/**
 * One of --num.streams: a consumer in the mirror maker's group on the source, whose records go to
 * the shared idempotent producer with the same key, value, headers, timestamp and partition
 * number. Its AckTracker decides what may be committed: only offsets below which the target
 * acknowledged everything. Before partitions move to another member (rebalance, close), the
 * producer is flushed and their acknowledged offsets committed, so the next owner starts where this
 * one's copies end.
 */
import { Consumer } from '../client/consumer';
import type { ConsumerOptions, ConsumerRecord, TopicPartition } from '../client/consumer';
import type { Producer } from '../client/producer';
import { asSamsaError } from '../client/client-errors';
import { getLogger } from '../util/logger';
import { sleep } from '../util/time';
import { AckTracker, partitionKey } from './ack-tracker';
import type { MirrorStats } from './mirror-stats';
import type { ReplicationPolicy } from './replication-policy';

const log = getLogger('mirror');
const POLL_MS = 500;
/** Records sent and not yet acknowledged before the stream waits for the target (bounds memory). */
const MAX_PENDING_RECORDS = 50000;
/** How long a newly assigned partition waits for its target partition to appear (TopicSync adds it). */
const TARGET_PARTITIONS_WAIT_MS = 60000;

export interface StreamDeps {
  producer: Producer;
  policy: ReplicationPolicy;
  stats: MirrorStats;
  abortOnSendFailure: boolean;
  /** Every acknowledged copy, in partition order (offset syncs). */
  onCopied(topic: string, partition: number, upstream: number, downstream: number): void;
  /** A failure that must stop the mirror maker. */
  onFatal(err: Error): void;
}

export class MirrorStream {
  readonly consumer: Consumer;
  readonly tracker: AckTracker;
  private stopped = false;
  private failed = false;

  constructor(readonly id: number, consumerOptions: ConsumerOptions, private readonly deps: StreamDeps) {
    this.consumer = new Consumer(consumerOptions);
    this.tracker = new AckTracker((topic, partition, upstream, downstream) => {
      if (downstream !== null) deps.onCopied(topic, partition, upstream, downstream);
    });
  }

  async subscribe(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    // Loads their metadata first: a subscription to topics the consumer has not looked up yet would warn that they do not exist.
    const known = new Set(this.consumer.subscription());
    await Promise.all(topics.filter((t) => !known.has(t)).map((t) => this.consumer.partitionsFor(t).catch(() => undefined)));
    this.consumer.subscribe(topics, {
      onPartitionsAssigned: (partitions) => this.ensureTargetPartitions(partitions),
      onPartitionsRevoked: (partitions) => this.handOver(partitions, true),
      onPartitionsLost: (partitions) => this.handOver(partitions, false),
    });
  }

  /** Polls and copies until stop(). */
  async run(): Promise<void> {
    while (!this.stopped) {
      let records: ConsumerRecord[];
      try {
        if (this.consumer.subscription().length === 0) {
          await sleep(POLL_MS);
          continue;
        }
        records = await this.consumer.poll(POLL_MS);
      } catch (err) {
        const e = asSamsaError(err);
        if (this.stopped) return;
        if (!e.retriable) throw e;
        log.warn(`Stream ${this.id}: poll failed, retrying: ${e.message}`);
        await sleep(POLL_MS);
        continue;
      }
      for (const r of records) this.copy(r);
      if (this.tracker.pending > MAX_PENDING_RECORDS) await this.deps.producer.flush();
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Commits every acknowledged offset not committed yet; failures are logged and retried next time. */
  async commit(only?: ReadonlySet<string>): Promise<void> {
    const offsets = this.tracker.toCommit(only);
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitSync(offsets);
      this.tracker.markCommitted(offsets);
    } catch (err) {
      log.warn(`Stream ${this.id}: committing offsets failed (retried at the next commit): ${asSamsaError(err).message}`);
    }
  }

  /** Closes the consumer: its revocation flushes and commits what the target acknowledged. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.consumer.close();
  }

  private copy(r: ConsumerRecord): void {
    const { producer, policy, stats } = this.deps;
    if (this.failed) return;
    this.tracker.sent(r.topic, r.partition, r.offset);
    const bytes = (r.key?.length ?? 0) + (r.value?.length ?? 0) + r.headers.reduce((n, h) => n + h.key.length + (h.value?.length ?? 0), 0);
    producer.send({
      topic: policy.remoteTopic(r.topic), partition: r.partition, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp,
    }, (err, metadata) => {
      if (err === null && metadata !== undefined) {
        stats.copied(bytes);
        this.tracker.acknowledged(r.topic, r.partition, r.offset, metadata.offset);
        return;
      }
      stats.failed();
      const message = `Sending ${r.topic}-${r.partition}@${r.offset} to ${policy.remoteTopic(r.topic)} failed: ${err?.message ?? 'no metadata'}`;
      if (this.deps.abortOnSendFailure) {
        // Nothing from here on is committed: the failed record stays the partition's commit limit.
        this.failed = true;
        this.deps.onFatal(new Error(message));
      } else {
        log.error(`${message} (skipped: abort.on.send.failure=false)`);
        this.tracker.acknowledged(r.topic, r.partition, r.offset, null);
      }
    });
  }

  /**
   * Before any record of a newly assigned partition is polled: the producer must know the target
   * partition of the same number (a source that just grew is grown on the target by TopicSync,
   * and the producer's cached metadata may not show it yet).
   */
  private async ensureTargetPartitions(partitions: TopicPartition[]): Promise<void> {
    const needed = new Map<string, number>();
    for (const tp of partitions) needed.set(tp.topic, Math.max(needed.get(tp.topic) ?? -1, tp.partition));
    for (const [topic, maxPartition] of needed) {
      const remote = this.deps.policy.remoteTopic(topic);
      const deadline = Date.now() + TARGET_PARTITIONS_WAIT_MS;
      for (;;) {
        const count = (await this.deps.producer.partitionsFor(remote)).length;
        if (count > maxPartition) break;
        if (Date.now() >= deadline) {
          this.deps.onFatal(new Error(`Target topic ${remote} has ${count} partitions, but source partition ${topic}-${maxPartition} needs one of the same number: `
            + 'enable sync.topic.configs.enabled or add partitions on the target.'));
          return;
        }
        await sleep(POLL_MS);
      }
    }
  }

  private async handOver(partitions: TopicPartition[], commit: boolean): Promise<void> {
    if (partitions.length === 0) return;
    await this.deps.producer.flush();
    if (commit) await this.commit(new Set(partitions.map((tp) => partitionKey(tp.topic, tp.partition))));
    this.tracker.forget(partitions);
  }
}
