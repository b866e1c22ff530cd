/**
 * DeleteRecords on the leader (Kafka's Partition.deleteRecordsOnLeader and DelayedDeleteRecords):
 * move the log start offset, checkpoint it, then wait until every live replica's log start has
 * reached it. Followers learn the leader's log start from their fetch responses and move their
 * own (replica-fetcher.ts); their next fetch reports it, and that is when a waiter completes.
 *
 * Waiters use the same bounded, per-partition structure as acks=all produces (ProducePurgatory),
 * keyed by the low watermark instead of the high watermark.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../protocol/errors';
import { DELETE_TO_HIGH_WATERMARK } from '../protocol/messages/delete-records';
import { deletesSegments } from '../storage/log-config';
import { isAssertionError } from '../util/assert';
import { Logger } from '../util/logger';
import { Partition } from './partition';
import { ProducePurgatory } from './produce-purgatory';

export interface DeleteRecordsOutcome {
  errorCode: number;
  /** The partition's low watermark (-1 with an error, as in Kafka). */
  lowWatermark: number;
}

export interface RecordDeletionDeps {
  /** Whether a broker is alive (in the metadata cache): only live replicas hold a delete back, as in Kafka. */
  isAlive: (brokerId: number) => boolean;
  /** Writes the log-start-offset-checkpoint of every log directory. */
  checkpoint: () => Promise<void>;
  logger: Logger;
}

export class RecordDeletion {
  private readonly waiters = new ProducePurgatory();

  constructor(private readonly deps: RecordDeletionDeps) {}

  /**
   * Deletes the records of `partition` (which this broker leads) below `offset` (-1: the high
   * watermark) and resolves once every live replica dropped them, or with REQUEST_TIMED_OUT after
   * `timeoutMs`. Errors come back in the outcome.
   */
  async deleteOnLeader(partition: Partition, offset: number, timeoutMs: number): Promise<DeleteRecordsOutcome> {
    try {
      // Kafka 2.8 refuses a log its cleanup policy does not let delete (cleanup.policy=compact).
      if (!deletesSegments(partition.log.config)) {
        throw new SamsaError(ErrorCode.POLICY_VIOLATION, `Records of partition ${partition.key} can not be deleted due to the configured policy`);
      }
      const target = offset === DELETE_TO_HIGH_WATERMARK ? partition.highWatermark : offset;
      if (target < 0 || target > partition.highWatermark) {
        throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE,
          `Cannot increment the log start offset to ${target} of partition ${partition.key} since it is larger than the high watermark ${partition.highWatermark}`);
      }
      const epoch = partition.leaderEpoch;
      if (await partition.log.advanceLogStartOffset(target)) {
        this.deps.logger.info(`${partition.key}: records below offset ${target} deleted on request; log start offset now ${partition.log.logStartOffset}`);
        // The delete has happened; a failed checkpoint only means a restart before the next one
        // (periodic, or at shutdown) may serve the deleted records of the partial segment again.
        await this.deps.checkpoint().catch((err) => this.deps.logger.warn(`Log start offset checkpoint after DeleteRecords failed: ${(err as Error).message}`));
      }
      if (!partition.isLeader || partition.leaderEpoch !== epoch) {
        throw new SamsaError(ErrorCode.NOT_LEADER_FOR_PARTITION, `${partition.key}: leadership moved during DeleteRecords`);
      }
      const low = partition.lowWatermark(this.deps.isAlive);
      if (low >= target) return { errorCode: 0, lowWatermark: low };
      const outcome = await this.waiters.wait(partition.key, target, timeoutMs);
      if (outcome.kind === 'failed') throw new SamsaError(outcome.error, outcome.message);
      // As Kafka's DelayedDeleteRecords on expiry: REQUEST_TIMED_OUT with the low watermark reached so far.
      if (outcome.kind === 'timeout') return { errorCode: ErrorCode.REQUEST_TIMED_OUT.code, lowWatermark: partition.lowWatermark(this.deps.isAlive) };
      return { errorCode: 0, lowWatermark: partition.lowWatermark(this.deps.isAlive) };
    } catch (err) {
      if (isAssertionError(err) || !(err instanceof SamsaError)) this.deps.logger.error(`DeleteRecords on ${partition.key} failed: ${(err as Error).stack}`);
      return { errorCode: toErrorCode(err), lowWatermark: -1 };
    }
  }

  /** A follower reported its log start: complete the deletes it was holding back. */
  lowWatermarkMayMove(partition: Partition): void {
    if (partition.isLeader) this.waiters.highWatermarkReached(partition.key, partition.lowWatermark(this.deps.isAlive));
  }

  /** Leadership moved or the replica stopped: fail the waiting deletes so the client retries at the new leader. */
  failAll(key: string, message: string): void {
    this.waiters.failAll(key, ErrorCode.NOT_LEADER_FOR_PARTITION, message);
  }

  shutdown(): void {
    this.waiters.shutdown();
  }
}
