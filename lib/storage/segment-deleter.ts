/**
 * Deleting segments that a log no longer lists, without pulling files out from under readers.
 *
 * Like Kafka, deletion has two steps: the files are renamed to `*.deleted` at once (so a crash
 * leaves only leftovers that the next load removes, never a segment that looks live), and closed
 * and removed `file.delete.delay.ms` later. A read that picked the segment before it was dropped
 * keeps using the open handle meanwhile; one that is still running at removal gets
 * SegmentClosedError, which PartitionLog.read retries against the current segment list.
 */
import type { Logger } from '../util/logger';
import { LogSegment } from './log-segment';

export class SegmentDeleter {
  private readonly waiting = new Map<LogSegment, NodeJS.Timeout>();
  private readonly removing = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Segments renamed but not yet removed. */
  get pendingCount(): number {
    return this.waiting.size + this.removing.size;
  }

  /**
   * Renames the segments' files now and removes them after `delayMs`. A failed rename is logged and
   * the removal still scheduled: the log already stopped listing the segment.
   */
  async retireAndSchedule(segments: LogSegment[], delayMs: number): Promise<void> {
    const renames = await Promise.allSettled(segments.map((s) => s.retire()));
    renames.forEach((outcome, i) => {
      if (outcome.status === 'rejected') {
        this.logger.error(`Renaming ${segments[i].logPath} for deletion failed: ${(outcome.reason as Error).message}`);
      }
    });
    for (const segment of segments) {
      const timer = setTimeout(() => {
        this.waiting.delete(segment);
        this.remove(segment);
      }, delayMs);
      timer.unref();
      this.waiting.set(segment, timer);
    }
  }

  /** Removes every waiting segment at once and waits for removals under way (the log is closing). */
  async deleteAllNow(): Promise<void> {
    for (const [segment, timer] of this.waiting) {
      clearTimeout(timer);
      this.remove(segment);
    }
    this.waiting.clear();
    await Promise.all([...this.removing]);
  }

  private remove(segment: LogSegment): void {
    const removal: Promise<void> = segment.delete()
      .catch((err) => {
        this.logger.error(`Removing deleted segment ${segment.logPath} failed: ${(err as Error).message}`);
      })
      .finally(() => this.removing.delete(removal));
    this.removing.add(removal);
  }
}
