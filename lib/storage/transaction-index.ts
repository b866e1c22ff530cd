/**
 * The `.txnindex` file of a segment: the aborted transactions whose abort marker is in that
 * segment, so a read_committed Fetch can tell the consumer which records to drop without the
 * broker decoding them (Kafka's TransactionIndex, in Kafka's file format).
 *
 * Entries are 34 bytes: version int16 (0), producerId int64, firstOffset int64 (the transaction's
 * first offset, possibly in an earlier segment), lastOffset int64 (the abort marker's offset) and
 * lastStableOffset int64 (the LSO right after the abort: the oldest other open transaction's first
 * offset, else lastOffset + 1). They are appended in marker order, so lastOffset strictly
 * increases; load() checks that, the version and firstOffset <= lastOffset, and a file that fails
 * (or is missing) is rebuilt from the log by replaying the producer state (log-state-loader.ts).
 * Unlike Kafka, an empty index still gets a file, which is what lets a missing one be noticed.
 */
import { assert } from '../util/assert';
import { IndexCorruptError, IndexFile } from './index-file';

export const TXN_INDEX_ENTRY_SIZE = 34;
const TXN_INDEX_VERSION = 0;
/** No size bound of its own: one entry per abort marker, and the segment's size bounds those. */
const MAX_TXN_INDEX_BYTES = TXN_INDEX_ENTRY_SIZE * 0x7fffffff;

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

/** What a fetch needs: the producer id and the first offset of each aborted transaction (Kafka's FetchResponse.AbortedTransaction). */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export class TransactionIndex extends IndexFile {
  constructor(path: string, baseOffset: number) {
    super(path, baseOffset, TXN_INDEX_ENTRY_SIZE, MAX_TXN_INDEX_BYTES);
    // Most segments never see an abort: grow on the first entry instead of preallocating.
    this.buf = Buffer.alloc(0);
  }

  /** Loads an existing file; throws IndexCorruptError when it is missing or fails the checks. */
  static async load(path: string, baseOffset: number): Promise<TransactionIndex> {
    const index = new TransactionIndex(path, baseOffset);
    await index.loadFile();
    index.sanityCheck();
    return index;
  }

  /** Parses a `.txnindex` file's bytes (samsa-dump-log); throws IndexCorruptError as load() would. */
  static parse(path: string, data: Buffer): AbortedTxn[] {
    if (data.length % TXN_INDEX_ENTRY_SIZE !== 0) {
      throw new IndexCorruptError(path, `length ${data.length} is not a multiple of the entry size ${TXN_INDEX_ENTRY_SIZE}`);
    }
    const entries: AbortedTxn[] = [];
    for (let at = 0; at < data.length; at += TXN_INDEX_ENTRY_SIZE) entries.push(readEntry(path, data, at));
    return entries;
  }

  entry(i: number): AbortedTxn {
    return readEntry(this.path, this.buf, i * TXN_INDEX_ENTRY_SIZE);
  }

  allEntries(): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.entry(i));
    return out;
  }

  /** Adds an aborted transaction; its marker must follow the last entry's. */
  append(txn: AbortedTxn): void {
    assert(txn.firstOffset <= txn.lastOffset, () => `${this.path}: aborted transaction [${txn.firstOffset}, ${txn.lastOffset}] is backwards`);
    assert(this.count === 0 || txn.lastOffset > this.entry(this.count - 1).lastOffset,
      () => `${this.path}: abort marker at ${txn.lastOffset} does not follow ${this.entry(this.count - 1).lastOffset}`);
    const at = this.slotForAppend();
    this.buf.writeInt16BE(TXN_INDEX_VERSION, at);
    this.buf.writeBigInt64BE(BigInt(txn.producerId), at + 2);
    this.buf.writeBigInt64BE(BigInt(txn.firstOffset), at + 10);
    this.buf.writeBigInt64BE(BigInt(txn.lastOffset), at + 18);
    this.buf.writeBigInt64BE(BigInt(txn.lastStableOffset), at + 26);
  }

  /**
   * Kafka's collectAbortedTxns: the entries with lastOffset >= fetchOffset and firstOffset <
   * upperBoundOffset. `complete` says no later segment can add one: an entry here was written
   * with a last stable offset at or past the bound, so every transaction open below the bound
   * had ended by then.
   */
  collect(fetchOffset: number, upperBoundOffset: number): { found: AbortedTxn[]; complete: boolean } {
    const found: AbortedTxn[] = [];
    for (let i = 0; i < this.count; i++) {
      const txn = this.entry(i);
      if (txn.lastOffset >= fetchOffset && txn.firstOffset < upperBoundOffset) found.push(txn);
      if (txn.lastStableOffset >= upperBoundOffset) return { found, complete: true };
    }
    return { found, complete: false };
  }

  /** Drops the entries whose marker is at or after `offset` (the log was truncated there). */
  truncateTo(offset: number): void {
    let keep = this.count;
    while (keep > 0 && this.entry(keep - 1).lastOffset >= offset) keep--;
    this.truncateEntries(keep);
  }

  private sanityCheck(): void {
    let previous = -1;
    for (let i = 0; i < this.count; i++) {
      const txn = this.entry(i);
      if (txn.lastOffset <= previous) throw new IndexCorruptError(this.path, `entry ${i} has marker offset ${txn.lastOffset}, not after ${previous}`);
      previous = txn.lastOffset;
    }
  }
}

function readEntry(path: string, buf: Buffer, at: number): AbortedTxn {
  const version = buf.readInt16BE(at);
  if (version !== TXN_INDEX_VERSION) throw new IndexCorruptError(path, `entry at byte ${at} has version ${version}, expected ${TXN_INDEX_VERSION}`);
  const field = (offset: number): number => {
    const value = buf.readBigInt64BE(at + offset);
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new IndexCorruptError(path, `entry at byte ${at} has field ${value} out of range`);
    return Number(value);
  };
  const txn = { producerId: field(2), firstOffset: field(10), lastOffset: field(18), lastStableOffset: field(26) };
  if (txn.firstOffset > txn.lastOffset) throw new IndexCorruptError(path, `entry at byte ${at} has firstOffset ${txn.firstOffset} after lastOffset ${txn.lastOffset}`);
  return txn;
}
