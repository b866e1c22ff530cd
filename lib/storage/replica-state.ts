/**
 * What a partition replica keeps beside its batches for replication and idempotence: the leader
 * epoch cache (leader-epoch-cache.ts), the idempotent-producer state (producer-state.ts) and that
 * state's snapshot files (producer-snapshot.ts).
 *
 * PartitionLog calls in at fixed points and this class keeps the three consistent with the log:
 * producer checks and epoch assignment when an append gets its offsets (synchronously, so in
 * offset order), commit when its bytes are written, a snapshot when a segment rolls and at close,
 * a rebuild after a truncation and pruning when retention moves the log start. A written abort
 * marker also becomes an entry in its segment's `.txnindex` (transaction-index.ts). Snapshot writes run
 * in the background, one at a time; anything that deletes or reads snapshots waits for them.
 */
import * as path from 'path';
import { readPartitionLeaderEpoch } from '../record/batch-header';
import type { Logger } from '../util/logger';
import { ValidBatch, settleProducerBatches } from './append-validation';
import type { LeaderEpochCache } from './leader-epoch-cache';
import type { LogSegment } from './log-segment';
import { loadLogState, pruneSnapshots, reloadProducerState } from './log-state-loader';
import { writeFileAtomically } from './offset-checkpoint';
import { deleteSnapshot, formatSnapshot, snapshotFileName } from './producer-snapshot';
import { BatchMetadata, ProducerBatch, ProducerEntry, ProducerStateManager } from './producer-state';

export class ReplicaState {
  private snapshotWrites: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    readonly leaderEpochs: LeaderEpochCache,
    private readonly producers: ProducerStateManager,
    /** Offsets of the snapshot files on disk, ascending. */
    private snapshots: number[],
    private readonly logger: Logger,
  ) {}

  /** Loads the state of a freshly opened log (see log-state-loader.ts). */
  static async load(dir: string, segments: readonly LogSegment[], logger: Logger): Promise<ReplicaState> {
    const state = await loadLogState(dir, segments, logger);
    return new ReplicaState(dir, state.leaderEpochs, state.producers, state.snapshots, logger);
  }

  producerState(producerId: number): Readonly<ProducerEntry> | undefined {
    return this.producers.entry(producerId);
  }

  /** Every producer the written batches mention (DescribeProducers). */
  producerStates(): ReadonlyMap<number, Readonly<ProducerEntry>> {
    return this.producers.committedEntries();
  }

  /** See ProducerStateManager.firstUnstableOffset. */
  firstUnstableOffset(highWatermark: number): number | null {
    return this.producers.firstUnstableOffset(highWatermark);
  }

  /** Leader path, before offsets: the original of a retried batch, or null; throws for a fenced or out-of-order producer. */
  checkProducers(producerBatches: ReadonlyArray<ProducerBatch>, batchCount: number): BatchMetadata | null {
    return this.producers.check(producerBatches, batchCount);
  }

  /**
   * After offsets: stages the producer batches and records new leader epochs (the leader's
   * `leaderEpoch`, or on the follower path each batch's stamped epoch). Returns true when the
   * epoch checkpoint holds changes the disk has not seen, which the caller must flush before
   * writing these batches.
   */
  recordAppend(records: Buffer, valid: ValidBatch[], producerBatches: ProducerBatch[] | null, leaderEpoch: number | null): boolean {
    if (producerBatches !== null) {
      settleProducerBatches(valid);
      this.producers.stage(producerBatches);
    }
    const cache = this.leaderEpochs;
    if (leaderEpoch !== null) {
      if (leaderEpoch > cache.latestEpoch) cache.assign(leaderEpoch, valid[0].baseOffset);
    } else {
      for (const batch of valid) {
        const epoch = readPartitionLeaderEpoch(records, batch.position);
        if (epoch > cache.latestEpoch) cache.assign(epoch, batch.baseOffset);
      }
    }
    return cache.isDirty;
  }

  /** The batch's bytes are in `segment`; an abort marker goes into its transaction index. */
  commit(batch: ProducerBatch, segment: LogSegment): void {
    const completed = this.producers.commit(batch);
    if (completed?.aborted) segment.txnIndex.append({ ...completed, lastStableOffset: this.producers.lastStableOffsetAfter(completed) });
  }

  /** The log failed: staged batches will never be written. */
  discardStaged(): void {
    this.producers.discardPending();
  }

  /** Snapshots the committed producer state as of `offset`; the caller guarantees every batch below it is written. */
  snapshotAt(offset: number): void {
    const text = formatSnapshot(offset, this.producers.committedEntries());
    this.snapshotWrites = this.snapshotWrites.then(async () => {
      try {
        await writeFileAtomically(path.join(this.dir, snapshotFileName(offset)), text);
        if (!this.snapshots.includes(offset)) this.snapshots = [...this.snapshots, offset].sort((a, b) => a - b);
      } catch (err) {
        // Without it a later load replays more batch headers; nothing is lost.
        this.logger.warn(`Writing the producer snapshot at offset ${offset} failed: ${(err as Error).message}`);
      }
    });
  }

  /** The log was cut (epochs were already trimmed when the truncation was requested): rebuild the producer state. */
  async afterTruncation(segments: readonly LogSegment[]): Promise<void> {
    await this.snapshotWrites;
    this.snapshots = await reloadProducerState(this.dir, segments, this.producers, this.logger);
  }

  /** The log restarted empty: no producer is known any more. */
  async afterReset(): Promise<void> {
    await this.snapshotWrites;
    this.producers.reset();
    for (const offset of this.snapshots.splice(0)) await deleteSnapshot(this.dir, offset);
  }

  /** Retention moved the log start. Producers stay known (until they expire); their older snapshots go. */
  async afterLogStartMoved(logStartOffset: number): Promise<void> {
    this.leaderEpochs.truncateFromStart(logStartOffset);
    await this.snapshotWrites;
    this.snapshots = await pruneSnapshots(this.dir, this.snapshots, logStartOffset);
  }

  /** Forgets producers idle for `expirationMs`; returns how many. */
  expireProducers(nowMs: number, expirationMs: number): number {
    return this.producers.expire(nowMs, expirationMs);
  }

  /** Waits for file writes; with `snapshotOffset`, first snapshots the (settled) state there. */
  async close(snapshotOffset: number | null): Promise<void> {
    if (snapshotOffset !== null) this.snapshotAt(snapshotOffset);
    await this.snapshotWrites;
    await this.leaderEpochs.close();
  }
}
