/**
 * Rebuilding a log's replication bookkeeping from its files: the leader-epoch cache and the
 * producer state, at open and (producer state) after a truncation.
 *
 * Both read only batch headers, never records. The epoch cache comes from `leader-epoch-checkpoint`,
 * trimmed to the log's offset range; only when that file is missing or unreadable and the log has
 * batches is it rebuilt from every batch's partitionLeaderEpoch. The producer state comes from
 * the newest valid snapshot at or below the log end, plus a replay of the batches after it (from
 * the log start without one). Snapshots past the log end describe batches that are gone and are
 * deleted. When both need the headers, one pass serves both.
 *
 * The same replay refills the `.txnindex` of any segment whose file was missing or bad, or that
 * recovery rebuilt: the replay then starts at a snapshot at or below that segment, so it knows
 * every transaction open there, and each abort marker it meets in such a segment becomes an entry.
 */
import * as path from 'path';
import { readPartitionLeaderEpoch } from '../record/batch-header';
import type { Logger } from '../util/logger';
import { LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochCache } from './leader-epoch-cache';
import type { LogSegment } from './log-segment';
import { CompletedTxn, ProducerStateManager, readProducerBatch } from './producer-state';
import { deleteSnapshot, listSnapshots, readSnapshot } from './producer-snapshot';
import type { BatchHeaderView } from './segment-scan';

export interface LoadedLogState {
  leaderEpochs: LeaderEpochCache;
  producers: ProducerStateManager;
  /** Offsets of the snapshot files kept, ascending. */
  snapshots: number[];
}

/** Loads both kinds of state for a freshly loaded, settled list of segments. */
export async function loadLogState(dir: string, segments: readonly LogSegment[], logger: Logger): Promise<LoadedLogState> {
  const logStart = segments[0].baseOffset;
  const logEnd = segments[segments.length - 1].nextOffset;
  const { cache: leaderEpochs, status } = await LeaderEpochCache.load(path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE), logger);
  const rebuildEpochs = status !== 'ok' && logEnd > logStart;
  if (status === 'corrupt') logger.warn(`Ignoring unreadable ${LEADER_EPOCH_CHECKPOINT_FILE}${rebuildEpochs ? ': rebuilding it from the batch headers' : ''}`);
  // Order matters: clamping the start first lets the end trim drop an entry clamped onto the log end.
  leaderEpochs.truncateFromStart(logStart);
  leaderEpochs.truncateFromEnd(logEnd);

  const producers = new ProducerStateManager();
  const stale = segments.filter((s) => s.txnIndexStale);
  const snapshotLimit = stale.length > 0 ? Math.min(logEnd, stale[0].baseOffset) : logEnd;
  const { snapshots, replayFrom } = await restoreSnapshot(dir, producers, logStart, logEnd, logger, snapshotLimit);
  const scanFrom = rebuildEpochs ? logStart : replayFrom;
  if (scanFrom < logEnd) {
    await forEachBatchHeader(segments, scanFrom, (segment, h, buf, at) => {
      if (rebuildEpochs) {
        const epoch = readPartitionLeaderEpoch(buf, at);
        if (epoch > leaderEpochs.latestEpoch) leaderEpochs.assign(epoch, h.baseOffset);
      }
      if (h.baseOffset < replayFrom) return;
      const completed = replayProducer(producers, h, buf, at, logger);
      if (completed?.aborted && segment.txnIndexStale) {
        segment.txnIndex.append({ ...completed, lastStableOffset: producers.lastStableOffsetAfter(completed) });
      }
    });
  }
  for (const segment of stale) {
    await segment.txnIndex.flush(true);
    segment.txnIndexStale = false;
  }
  if (stale.length > 0) logger.info(`Rebuilt the transaction index of ${stale.length} segment(s) from the log`);
  if (rebuildEpochs) logger.info(`Rebuilt the leader epoch cache from the log: ${leaderEpochs.entries().length} epoch(s)`);
  return { leaderEpochs, producers, snapshots };
}

/**
 * After a truncation: the producer state of exactly the batches now in the log. Staged batches
 * (appends queued after the truncation) stay staged. Returns the snapshot offsets kept.
 */
export async function reloadProducerState(
  dir: string, segments: readonly LogSegment[], producers: ProducerStateManager, logger: Logger,
): Promise<number[]> {
  const logStart = segments[0].baseOffset;
  const logEnd = segments[segments.length - 1].nextOffset;
  const { snapshots, replayFrom } = await restoreSnapshot(dir, producers, logStart, logEnd, logger, logEnd);
  // The segments' transaction indexes were cut with them; only the producer state needs the replay.
  if (replayFrom < logEnd) await forEachBatchHeader(segments, replayFrom, (_s, h, buf, at) => void replayProducer(producers, h, buf, at, logger));
  return snapshots;
}

/**
 * Resets `producers` to the newest valid snapshot at or below `limit` (<= `logEnd`; or to empty)
 * and deletes the snapshots past the log end. Returns where the replay must start and the
 * snapshots that remain.
 */
async function restoreSnapshot(
  dir: string, producers: ProducerStateManager, logStart: number, logEnd: number, logger: Logger, limit: number,
): Promise<{ snapshots: number[]; replayFrom: number }> {
  const snapshots = await listSnapshots(dir);
  for (const offset of snapshots.filter((o) => o > logEnd)) await deleteSnapshot(dir, offset);
  const usable = snapshots.filter((o) => o <= logEnd);
  for (let i = usable.length - 1; i >= 0; i--) {
    if (usable[i] > limit) continue;
    const state = await readSnapshot(dir, usable[i]);
    if (state !== null) {
      producers.reset(state);
      return { snapshots: usable, replayFrom: Math.max(usable[i], logStart) };
    }
    logger.warn(`Ignoring invalid producer snapshot at offset ${usable[i]} in ${dir}`);
  }
  producers.reset();
  return { snapshots: usable, replayFrom: logStart };
}

function replayProducer(producers: ProducerStateManager, h: BatchHeaderView, buf: Buffer, at: number, logger: Logger): CompletedTxn | null {
  let batch;
  try {
    batch = readProducerBatch(buf, at, h.baseOffset, h.lastOffset - h.baseOffset, h.maxTimestamp);
  } catch (err) {
    // Only a control batch is decoded here, and appends validated it; skip rather than refuse to open the log.
    logger.warn(`Ignoring an unreadable transaction marker at offset ${h.baseOffset}: ${(err as Error).message}`);
    return null;
  }
  return batch === null ? null : producers.replay(batch);
}

/** Visits the header of every batch whose last offset is >= `fromOffset`, in offset order, with its segment. */
async function forEachBatchHeader(
  segments: readonly LogSegment[], fromOffset: number, visit: (segment: LogSegment, h: BatchHeaderView, buf: Buffer, at: number) => void,
): Promise<void> {
  for (const segment of segments) {
    if (segment.nextOffset <= fromOffset) continue;
    await segment.forEachBatchFrom(fromOffset, (h, buf, at) => visit(segment, h, buf, at));
  }
}

/**
 * Deletes the snapshots no reload can need once the log starts at `logStart`: all older than the
 * newest one at or below it. Returns the offsets kept.
 */
export async function pruneSnapshots(dir: string, snapshots: number[], logStart: number): Promise<number[]> {
  let newestBelow = -1;
  for (const offset of snapshots) if (offset <= logStart) newestBelow = offset;
  const doomed = snapshots.filter((o) => o < newestBelow);
  for (const offset of doomed) await deleteSnapshot(dir, offset);
  return snapshots.filter((o) => o >= newestBelow);
}
