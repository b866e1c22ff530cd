/**
 * Which leader epoch wrote which offsets of one partition replica (Kafka's LeaderEpochFileCache).
 *
 * Each entry says "epoch E started at offset S"; an epoch runs until the next entry starts. A
 * leader answers OffsetForLeaderEpoch from it and a follower compares its own entries with that
 * answer (epoch-truncation.ts) to find where its log diverged, instead of trusting its high
 * watermark (KIP-101, KIP-279). The entries live in memory and in the partition directory as
 * `leader-epoch-checkpoint`, Kafka's text format: line 1 the version `0`, line 2 the entry count,
 * then one `epoch startOffset` line per entry.
 *
 * Changes are synchronous in memory (appends assign epochs where they assign offsets) and are
 * persisted in the background, coalesced, by an atomic rewrite. PartitionLog waits for `flush()`
 * before writing the first batch of a new epoch, so the file never lags behind the data: after a
 * crash it may name an epoch whose batches never reached the disk, which loading drops (entries
 * at or past the log end), but never miss one that did.
 */
import { promises as fsp } from 'fs';
import { getLogger, Logger } from '../util/logger';
import { writeFileAtomically } from './offset-checkpoint';

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;
const CHECKPOINT_VERSION = 0;

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export interface EpochEndOffset {
  leaderEpoch: number;
  endOffset: number;
}

export type EpochCheckpointStatus = 'ok' | 'missing' | 'corrupt';

/**
 * Kafka's endOffsetFor over sorted `entries`: the latest epoch ends at `logEndOffset`; an older
 * one at the start of the first entry with a higher epoch, answered with the largest epoch <= the
 * requested one. Unknown epochs (below the earliest, above the latest, or an empty list) give
 * {-1, -1}.
 */
export function endOffsetForEntries(entries: ReadonlyArray<EpochEntry>, requestedEpoch: number, logEndOffset: number): EpochEndOffset {
  const undefinedAnswer = { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
  if (requestedEpoch === UNDEFINED_EPOCH || entries.length === 0) return undefinedAnswer;
  const latest = entries[entries.length - 1];
  if (requestedEpoch === latest.epoch) return { leaderEpoch: latest.epoch, endOffset: logEndOffset };
  if (requestedEpoch < entries[0].epoch || requestedEpoch > latest.epoch) return undefinedAnswer;
  let floor = 0;
  while (entries[floor + 1].epoch <= requestedEpoch) floor++;
  return { leaderEpoch: entries[floor].epoch, endOffset: entries[floor + 1].startOffset };
}

export function formatEpochCheckpoint(entries: ReadonlyArray<EpochEntry>): string {
  const lines = [String(CHECKPOINT_VERSION), String(entries.length), ...entries.map((e) => `${e.epoch} ${e.startOffset}`)];
  return lines.join('\n') + '\n';
}

/** Parses a checkpoint; null when it is malformed or its entries do not strictly increase. */
export function parseEpochCheckpoint(text: string): EpochEntry[] | null {
  const lines = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n');
  if (lines.length < 2 || lines[0].trim() !== String(CHECKPOINT_VERSION)) return null;
  const count = Number(lines[1].trim());
  if (!Number.isInteger(count) || count < 0 || lines.length - 2 !== count) return null;
  const entries: EpochEntry[] = [];
  for (const line of lines.slice(2)) {
    const parts = line.trim().split(/\s+/);
    const epoch = Number(parts[0]);
    const startOffset = Number(parts[1]);
    if (parts.length !== 2 || !Number.isInteger(epoch) || epoch < 0 || !Number.isSafeInteger(startOffset) || startOffset < 0) return null;
    const previous = entries[entries.length - 1];
    if (previous && (epoch <= previous.epoch || startOffset < previous.startOffset)) return null;
    entries.push({ epoch, startOffset });
  }
  return entries;
}

export class LeaderEpochCache {
  private list: EpochEntry[];
  /** Bumped by every change; persistence catches up to it. */
  private version = 0;
  private persistedVersion = 0;
  private persisting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly file: string, entries: EpochEntry[] = [], private readonly logger: Logger = getLogger('storage')) {
    this.list = entries.map((e) => ({ ...e }));
  }

  /** Reads `file`; a missing or malformed file gives an empty cache and says which it was. */
  static async load(file: string, logger?: Logger): Promise<{ cache: LeaderEpochCache; status: EpochCheckpointStatus }> {
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { cache: new LeaderEpochCache(file, [], logger), status: 'missing' };
    }
    const entries = parseEpochCheckpoint(text);
    return { cache: new LeaderEpochCache(file, entries ?? [], logger), status: entries === null ? 'corrupt' : 'ok' };
  }

  /** -1 when empty. */
  get latestEpoch(): number {
    return this.list.length === 0 ? UNDEFINED_EPOCH : this.list[this.list.length - 1].epoch;
  }

  /** -1 when empty. */
  get earliestEpoch(): number {
    return this.list.length === 0 ? UNDEFINED_EPOCH : this.list[0].epoch;
  }

  entries(): ReadonlyArray<EpochEntry> {
    return this.list;
  }

  /** True while a change has not reached the checkpoint file yet. */
  get isDirty(): boolean {
    return this.persistedVersion < this.version;
  }

  /**
   * Records that `epoch` starts at `startOffset`. Epochs at or below the latest are ignored. A
   * start offset below the latest entry's (a caller that skipped truncation) first drops the
   * entries it contradicts, as Kafka's assign does, so entries always increase in both columns.
   */
  assign(epoch: number, startOffset: number): void {
    if (!(epoch > this.latestEpoch) || !Number.isSafeInteger(startOffset) || startOffset < 0) return;
    const conflicting = this.list.findIndex((e) => e.startOffset > startOffset);
    if (conflicting >= 0) {
      this.logger.warn(`Leader epoch ${epoch} starts at ${startOffset}, before epoch ${this.list[conflicting].epoch} at ${this.list[conflicting].startOffset}: dropping the later entries`);
      this.list = this.list.slice(0, conflicting);
    }
    // Two epochs cannot start at the same offset: the older one holds no offsets at all.
    const last = this.list[this.list.length - 1];
    if (last && last.startOffset === startOffset) this.list.pop();
    this.list.push({ epoch, startOffset });
    this.changed();
  }

  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    return endOffsetForEntries(this.list, requestedEpoch, logEndOffset);
  }

  /** Drops the entries that start at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: number): void {
    const keep = this.list.findIndex((e) => e.startOffset >= endOffset);
    if (keep < 0) return;
    this.list = this.list.slice(0, keep);
    this.changed();
  }

  /**
   * The log now starts at `startOffset`: the epoch holding it starts there instead, and the epochs
   * before it, whose offsets are all gone, are dropped.
   */
  truncateFromStart(startOffset: number): void {
    let firstKept = 0;
    while (firstKept < this.list.length && this.list[firstKept].startOffset < startOffset) firstKept++;
    if (firstKept === 0) return;
    const holder = this.list[firstKept - 1];
    const rest = this.list.slice(firstKept);
    this.list = rest.length > 0 && rest[0].startOffset === startOffset ? rest : [{ epoch: holder.epoch, startOffset }, ...rest];
    this.changed();
  }

  clear(): void {
    if (this.list.length === 0) return;
    this.list = [];
    this.changed();
  }

  /** Resolves once every change made so far is in the file; rejects if writing it failed. */
  flush(): Promise<void> {
    if (!this.isDirty || this.closed) return Promise.resolve();
    return (this.persisting ?? this.startPersisting()).then(() => this.flush());
  }

  /** Waits for pending writes, then stops persisting (the log is closing). */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.closed = true;
  }

  private changed(): void {
    this.version++;
    if (this.persisting === null && !this.closed) void this.startPersisting().catch(() => undefined);
  }

  private startPersisting(): Promise<void> {
    // Cleared in a later microtask, so a loop with nothing to write cannot clear it before it is set.
    const persisting: Promise<void> = this.persistChanges().finally(() => {
      if (this.persisting === persisting) this.persisting = null;
    });
    this.persisting = persisting;
    return persisting;
  }

  private async persistChanges(): Promise<void> {
    try {
      while (this.persistedVersion < this.version && !this.closed) {
        const version = this.version;
        await writeFileAtomically(this.file, formatEpochCheckpoint(this.list));
        this.persistedVersion = version;
      }
    } catch (err) {
      this.logger.error(`Writing ${this.file} failed: ${(err as Error).message}`);
      throw err;
    }
  }
}
