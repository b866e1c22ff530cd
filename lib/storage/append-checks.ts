/**
 * Every check an append passes before it gets offsets, in Kafka's order (LogValidator): the batch
 * framing and CRC, then on the leader each uncompressed batch's record framing (record-framing.ts),
 * the topic's codec (recompressing if it differs, and checking max.message.bytes again on the new
 * bytes), the transactional rules, keys for compacted topics and the timestamp difference limit. A follower copies its leader's bytes and only validates them.
 */
import { checkTimestamps, checkTransactionalBatches, requireKeys, validateRecords, ValidBatch } from './append-validation';
import { isCompacted, LogConfig, timestampDifferenceLimit } from './log-config';
import { recompressFor } from './recompress';
import { checkUncompressedFraming } from './record-framing';

export interface CheckedAppend {
  /** The bytes to write: the request's, or their recompression into the topic's codec. */
  readonly batches: Buffer;
  readonly valid: ValidBatch[];
}

export function checkAppend(
  batches: Buffer, config: LogConfig, leader: boolean, fromCoordinator: boolean, logName: string, nowMs: () => number,
): CheckedAppend {
  let valid = validateRecords(batches, config, leader);
  if (leader) checkUncompressedFraming(batches, valid);
  const recompressed = leader ? recompressFor(config, batches, valid) : null;
  if (recompressed !== null) {
    batches = recompressed;
    valid = validateRecords(batches, config, leader);
  }
  if (!leader) return { batches, valid };
  checkTransactionalBatches(batches, valid, fromCoordinator);
  if (isCompacted(config)) requireKeys(batches, valid, logName);
  const timestampLimit = timestampDifferenceLimit(config);
  if (timestampLimit !== null) checkTimestamps(batches, valid, timestampLimit, nowMs());
  return { batches, valid };
}
