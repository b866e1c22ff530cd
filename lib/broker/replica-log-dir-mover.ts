/**
 * Moving a replica to another log directory of the same broker (KIP-113's AlterReplicaLogDirs), as
 * Kafka does it: a "future" log `<topic>-<partition>.<uuid>-future` is created in the destination
 * and filled from the current log while the replica keeps serving (Kafka's
 * ReplicaAlterLogDirsThread); once it has caught up, appends to the partition are held for a
 * moment, the last batches are copied, the future log is renamed to `<topic>-<partition>` and
 * takes the current one's place, and the old directory is deleted in the background.
 *
 * A move the broker does not finish (restart, failure) leaves the current log in place; the
 * future directory is removed at the next start and the move starts over if asked again.
 */
import { randomUUID } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { ErrorCode } from '../protocol/errors';
import { FUTURE_DIR_SUFFIX } from '../storage/log-manager';
import type { PartitionLog } from '../storage/partition-log';
import { Logger } from '../util/logger';
import type { Partition } from './partition';
import type { ReplicaManager } from './replica-manager';

/** Bytes copied per read from the current log. */
const COPY_CHUNK_BYTES = 1024 * 1024;
/** Copy passes while appends go on, before the last step holds them. */
const LIVE_COPY_PASSES = 3;

interface Move {
  readonly dest: string;
  future: PartitionLog | null;
  cancelled: boolean;
}

/** A future replica, for DescribeLogDirs (isFuture true). */
export interface FutureReplica {
  logDir: string;
  log: PartitionLog;
  /** How far the future log's end is behind the current one's. */
  offsetLag: number;
}

export class ReplicaLogDirMover {
  private readonly moves = new Map<string, Move>();

  constructor(private readonly replicas: ReplicaManager, private readonly logger: Logger) {}

  /**
   * Starts moving the replica to `dir` and answers at once with Kafka's codes: 0 (moving, or already
   * there), LOG_DIR_NOT_FOUND (not one of log.dirs), KAFKA_STORAGE_ERROR (that directory, or the
   * replica's, is offline), REPLICA_NOT_AVAILABLE (not hosted here yet: it will be created in `dir`).
   */
  alter(topic: string, partition: number, dir: string): number {
    const logs = this.replicas.logManager;
    const dest = path.resolve(dir);
    if (!path.isAbsolute(dir) || !logs.logDirs.includes(dest)) return ErrorCode.LOG_DIR_NOT_FOUND.code;
    if (logs.offlineDirs().includes(dest) || logs.isOffline(topic, partition)) return ErrorCode.KAFKA_STORAGE_ERROR.code;
    const p = this.replicas.getPartition(topic, partition);
    const current = logs.logDirOf(topic, partition);
    if (!p || current === undefined) {
      logs.preferLogDir(topic, partition, dest);
      return ErrorCode.REPLICA_NOT_AVAILABLE.code;
    }
    const ongoing = this.moves.get(p.key);
    if (ongoing?.dest === dest) return 0;
    if (ongoing) ongoing.cancelled = true;
    logs.preferLogDir(topic, partition, dest);
    if (current === dest) return 0;
    const move: Move = { dest, future: null, cancelled: false };
    this.moves.set(p.key, move);
    this.logger.info(`Moving replica ${p.key} from ${current} to ${dest}`);
    void this.run(p, move)
      .catch((err: Error) => this.logger.error(`Moving replica ${p.key} to ${dest} failed: ${err.message}; it stays in ${current}`))
      .finally(() => { if (this.moves.get(p.key) === move) this.moves.delete(p.key); });
    return 0;
  }

  /** The future logs being filled. */
  futureReplicas(): FutureReplica[] {
    const out: FutureReplica[] = [];
    for (const move of this.moves.values()) {
      const current = move.future && this.replicas.logManager.getLog(move.future.topic, move.future.partition);
      if (!move.future || !current) continue;
      out.push({ logDir: move.dest, log: move.future, offsetLag: Math.max(0, current.logEndOffset - move.future.logEndOffset) });
    }
    return out;
  }

  private async run(p: Partition, move: Move): Promise<void> {
    const logs = this.replicas.logManager;
    const source = p.log;
    const futureDir = path.join(move.dest, `${p.key}.${randomUUID().replace(/-/g, '')}${FUTURE_DIR_SUFFIX}`);
    const future = await logs.openLogAt(futureDir, p.topic, p.partition, source.config);
    move.future = future;
    let promoted = false;
    try {
      for (let pass = 0; pass < LIVE_COPY_PASSES && future.logEndOffset < source.logEndOffset; pass++) {
        this.checkStillWanted(p, source, move);
        await copy(source, future);
      }
      await this.replicas.withAppendsHeld(p, async () => {
        this.checkStillWanted(p, source, move);
        await source.flush();
        await copy(source, future);
        if (future.logEndOffset !== source.logEndOffset) throw new Error(`the future log ends at ${future.logEndOffset}, the current one at ${source.logEndOffset}`);
        await future.close();
        const finalDir = path.join(move.dest, p.key);
        await fsp.rename(futureDir, finalDir);
        promoted = true;
        const moved = await logs.openLogAt(finalDir, p.topic, p.partition, source.config);
        logs.swapLog(moved, move.dest);
        p.log = moved;
        this.logger.info(`Replica ${p.key} moved to ${move.dest} (log end ${moved.logEndOffset})`);
      });
      await logs.retireLog(source);
    } finally {
      if (!promoted) {
        await future.close().catch(() => undefined);
        await fsp.rm(futureDir, { recursive: true, force: true });
      }
    }
  }

  private checkStillWanted(p: Partition, source: PartitionLog, move: Move): void {
    if (move.cancelled) throw new Error('cancelled by a newer request');
    if (p.log !== source || this.replicas.getPartition(p.topic, p.partition) !== p) throw new Error('the replica was stopped or deleted');
  }
}

/** Copies whole batches from `source` to `future`, from the future log's end to the source's. */
async function copy(source: PartitionLog, future: PartitionLog): Promise<void> {
  while (future.logEndOffset < source.logEndOffset) {
    // Retention may have moved the source's start past what was copied.
    if (future.logEndOffset < source.logStartOffset) await future.truncateFullyAndStartAt(source.logStartOffset);
    const { records } = await source.read(future.logEndOffset, COPY_CHUNK_BYTES, { minOneBatch: true });
    if (records.length === 0) return;
    const appended = await future.append(records, { leaderEpoch: source.leaderEpochs.latestEpoch, assignOffsets: false });
    if (appended.lastOffset < 0) return;
  }
}
