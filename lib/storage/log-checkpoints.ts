/**
 * The offset checkpoint files each log directory keeps, as Kafka's LogManager and ReplicaManager
 * keep them: `recovery-point-offset-checkpoint` (how far each log was fsynced),
 * `replication-offset-checkpoint` (each partition's high watermark) and
 * `log-start-offset-checkpoint` (log starts moved by DeleteRecords, log-start-checkpoint.ts).
 *
 * Writes of one kind are chained, never overlapping, and only go to live directories; a write
 * that fails with a disk error reports the directory to `failed`, which takes it offline.
 */
import path from 'path';
import { Logger } from '../util/logger';
import { writeLogStartOffsets } from './log-start-checkpoint';
import { CheckpointEntry, readOptionalCheckpoint, writeCheckpoint } from './offset-checkpoint';
import { PartitionLog } from './partition-log';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const HIGH_WATERMARK_CHECKPOINT_FILE = 'replication-offset-checkpoint';

export interface LogCheckpointsDeps {
  /** The live directories, in log.dirs order. */
  liveDirs(): string[];
  /** The open logs of one directory. */
  logsIn(dir: string): PartitionLog[];
  /** A partition's current high watermark; undefined until it is set up since the restart. */
  highWatermarkOf?: (topic: string, partition: number) => number | undefined;
  /** A checkpoint write failed in `dir`. */
  failed(dir: string, err: unknown): void;
  logger: Logger;
}

function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export class LogCheckpoints {
  private offsetsChain: Promise<void> = Promise.resolve();
  private highWatermarkChain: Promise<void> = Promise.resolve();
  /** High watermarks read from the checkpoints at startup, clamped to each log's end. */
  private readonly checkpointedHighWatermarks = new Map<string, number>();

  constructor(private readonly deps: LogCheckpointsDeps) {}

  async readRecoveryPoints(dir: string): Promise<CheckpointEntry[]> {
    const file = path.join(dir, RECOVERY_POINT_CHECKPOINT_FILE);
    return await readOptionalCheckpoint(file, this.deps.logger, 'Every log is rescanned from its start: slower, never wrong.') ?? [];
  }

  /** Remembers the checkpointed high watermark of every log loaded from `dir`, clamped to its end. */
  async loadHighWatermarks(dir: string): Promise<void> {
    const file = path.join(dir, HIGH_WATERMARK_CHECKPOINT_FILE);
    const entries = await readOptionalCheckpoint(file, this.deps.logger, 'Partitions start from high watermark 0 and learn the real one from their leader.');
    if (!entries) return;
    const logs = new Map(this.deps.logsIn(dir).map((log) => [key(log.topic, log.partition), log]));
    for (const e of entries) {
      const log = logs.get(key(e.topic, e.partition));
      if (log) this.checkpointedHighWatermarks.set(key(e.topic, e.partition), Math.max(0, Math.min(e.offset, log.logEndOffset)));
    }
  }

  /** The high watermark `replication-offset-checkpoint` held for the log at startup, if any. */
  checkpointedHighWatermark(topic: string, partition: number): number | undefined {
    return this.checkpointedHighWatermarks.get(key(topic, partition));
  }

  forget(topic: string, partition: number): void {
    this.checkpointedHighWatermarks.delete(key(topic, partition));
  }

  /**
   * Writes every directory's `replication-offset-checkpoint`. A log whose hook has no answer yet
   * (its partition is not set up since the restart) keeps the value read at startup, so an early
   * checkpoint does not erase it.
   */
  writeHighWatermarks(): Promise<void> {
    const run = () => this.eachDir(HIGH_WATERMARK_CHECKPOINT_FILE, (log) =>
      this.deps.highWatermarkOf?.(log.topic, log.partition) ?? this.checkpointedHighWatermark(log.topic, log.partition));
    this.highWatermarkChain = this.highWatermarkChain.then(run, run);
    return this.highWatermarkChain;
  }

  /** Writes every directory's recovery-point checkpoint from the logs' current recovery points. */
  writeRecoveryPoints(): Promise<void> {
    return this.chained(() => this.eachDir(RECOVERY_POINT_CHECKPOINT_FILE, (log) => log.recoveryPoint));
  }

  /** Writes every directory's log-start-offset-checkpoint; DeleteRecords calls it at once. */
  writeLogStartOffsets(): Promise<void> {
    return this.chained(async () => {
      for (const dir of this.deps.liveDirs()) {
        await writeLogStartOffsets(dir, this.deps.logsIn(dir)).catch((err) => this.deps.failed(dir, err));
      }
    });
  }

  private chained(run: () => Promise<void>): Promise<void> {
    this.offsetsChain = this.offsetsChain.then(run, run);
    return this.offsetsChain;
  }

  private async eachDir(file: string, offsetOf: (log: PartitionLog) => number | undefined): Promise<void> {
    for (const dir of this.deps.liveDirs()) {
      const entries: CheckpointEntry[] = [];
      for (const log of this.deps.logsIn(dir)) {
        const offset = offsetOf(log);
        if (offset !== undefined) entries.push({ topic: log.topic, partition: log.partition, offset });
      }
      await writeCheckpoint(path.join(dir, file), entries).catch((err) => this.deps.failed(dir, err));
    }
  }
}
