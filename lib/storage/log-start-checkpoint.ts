/**
 * `log-start-offset-checkpoint`, one per log directory, as in Kafka: the log start offset of
 * every log whose start lies inside its first segment (moved there by DeleteRecords, directly or
 * through a leader), which the segment files alone cannot tell after a restart. Logs whose start
 * is their first segment's base offset are left out, as Kafka leaves them out.
 */
import * as path from 'path';
import type { Logger } from '../util/logger';
import { readOptionalCheckpoint, writeCheckpoint } from './offset-checkpoint';
import type { PartitionLog } from './partition-log';

export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';

/** `topic-partition` → checkpointed log start offset for the logs of `dir`; empty when unreadable. */
export async function readLogStartOffsets(dir: string, logger: Logger): Promise<Map<string, number>> {
  const file = path.join(dir, LOG_START_OFFSET_CHECKPOINT_FILE);
  const entries = await readOptionalCheckpoint(file, logger, 'Records deleted by DeleteRecords inside a segment may be readable again until deleted anew.');
  return new Map((entries ?? []).map((e) => [`${e.topic}-${e.partition}`, e.offset]));
}

/**
 * Applies a log's checkpointed start after it was opened. Past the log end (segments lost from
 * the file system) the log restarts empty there, as Kafka's log loading does.
 */
export async function restoreLogStartOffset(log: PartitionLog, checkpointed: number | undefined, logger: Logger): Promise<void> {
  if (checkpointed === undefined || checkpointed <= log.logStartOffset) return;
  if (checkpointed > log.logEndOffset) {
    logger.warn(`Log start offset ${checkpointed} of ${log.topic}-${log.partition} is past its end ${log.logEndOffset}: deleting all segments`);
    await log.truncateFullyAndStartAt(checkpointed);
  } else {
    await log.advanceLogStartOffset(checkpointed);
  }
}

/** Writes `dir`'s checkpoint from the logs it holds. */
export async function writeLogStartOffsets(dir: string, logs: Iterable<PartitionLog>): Promise<void> {
  const entries = [];
  for (const log of logs) {
    if (log.isClosed) continue;
    const first = log.segmentsView()[0].baseOffset;
    if (log.logStartOffset > first) entries.push({ topic: log.topic, partition: log.partition, offset: log.logStartOffset });
  }
  await writeCheckpoint(path.join(dir, LOG_START_OFFSET_CHECKPOINT_FILE), entries);
}
