/**
 * The log cleaner's key → latest offset map for one pass (Kafka's SkimpyOffsetMap).
 *
 * It is built over the dirty part of a log and then decides, for every record up to its last
 * offset, whether a later record with the same key exists. Memory is bounded twice, as in Kafka:
 * by a fixed number of entries (the pass cleans only as far as the map reached, and the next pass
 * continues from there) and by storing long keys as their MD5 digest instead of the key itself, so
 * an entry costs about the same whatever the key size. A digest collision would make two keys one;
 * Kafka accepts that risk for MD5, and so do we.
 */
import { createHash } from 'crypto';

/** Keys up to this long are stored as they are; longer ones as their 16-byte digest. */
const MAX_RAW_KEY_BYTES = 16;

export class OffsetMap {
  private readonly entries = new Map<string, number>();
  private latest = -1;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`offset map size ${maxEntries} must be a positive integer`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The largest offset put so far, or -1: records above it were not seen by this pass. */
  get latestOffset(): number {
    return this.latest;
  }

  /** Whether `count` more distinct keys might not fit. */
  wouldOverflow(count: number): boolean {
    return this.entries.size + count > this.maxEntries;
  }

  /** Records that `key` was last written at `offset`; offsets must be put in increasing order. */
  put(key: Buffer, offset: number): void {
    if (offset < this.latest) throw new Error(`offset map: offset ${offset} put after ${this.latest}`);
    this.entries.set(mapKey(key), offset);
    this.latest = offset;
  }

  /** The latest offset of `key`, or -1 when the pass did not see it. */
  get(key: Buffer): number {
    return this.entries.get(mapKey(key)) ?? -1;
  }
}

/** A one-letter prefix keeps a raw 16-byte key apart from a digest with the same bytes. */
function mapKey(key: Buffer): string {
  if (key.length <= MAX_RAW_KEY_BYTES) return 'r' + key.toString('latin1');
  return 'h' + createHash('md5').update(key).digest('base64');
}
