/**
 * One partition's share of a fetch answer, read lazily: records stay in the fetched bytes until
 * poll() reaches them, and then only the parts asked for become Buffers (views, not copies).
 *
 * On arrival only the batch headers are read: each complete batch is validated (size, magic, CRC
 * once per batch, as Kafka's check.crcs), the offset to fetch next is taken from the last complete
 * one, and the batches the application must not see are dropped: control batches, batches wholly
 * before the fetch offset, and with read_committed the batches of aborted transactions. What is
 * left is read record by record into a reusable RecordView (record-view.ts); a record that turns
 * out to be corrupt fails there, after the records before it were handed out, as in Kafka.
 */
import { CorruptRecordError } from '../protocol/errors';
import { RECORDS_OFFSET, completeBatchSizeAt } from '../record/batch-header';
import { decompress } from '../record/compression';
import { DecodedBatchHeader, decodeBatchHeader, decodeRecordBatch } from '../record/record-batch';
import { RecordContext } from '../record/record-codec';
import { MovableCursor, RecordView, readRecordView } from '../record/record-view';
import { AbortedTransaction, AbortedTransactionFilter } from './aborted-transactions';

const EMPTY = Buffer.alloc(0);

export class FetchedRecords {
  /** Visible records (at or after the fetch offset) not read yet. */
  remaining = 0;
  /** The offset after the last complete batch (the fetch offset when there was none). */
  readonly nextOffset: number;
  /** Bytes of a trailing batch cut short by the fetch size limit. */
  readonly partialBytes: number;
  private readonly positions: number[] = [];
  private readonly headers: DecodedBatchHeader[] = [];
  private batchIndex = 0;
  /** Records of the current batch not read yet, and how many it declared. */
  private left = 0;
  private declared = 0;
  private readonly cursor: MovableCursor = { buf: EMPTY, position: 0, end: 0 };
  private readonly body: MovableCursor = { buf: EMPTY, position: 0, end: 0 };
  private readonly context: RecordContext = { baseOffset: 0, firstTimestamp: 0, maxTimestamp: 0, timestampType: 'CreateTime', leaderEpoch: -1 };

  /** Reads the batch headers of `buf`; throws CorruptRecordError for a complete batch that fails validation. */
  constructor(private readonly buf: Buffer, private readonly fetchOffset: number, aborted: readonly AbortedTransaction[] | null = null) {
    const filter = aborted === null ? null : new AbortedTransactionFilter(aborted);
    let nextOffset = fetchOffset;
    let position = 0;
    while (position < buf.length) {
      const size = completeBatchSizeAt(buf, position);
      if (size === -1) break;
      const header = decodeBatchHeader(buf, position);
      if (header.lastOffset + 1 > nextOffset) nextOffset = header.lastOffset + 1;
      if (this.visible(header, position, filter)) {
        this.positions.push(position);
        this.headers.push(header);
        this.remaining += this.visibleCount(header, position);
      }
      position += size;
    }
    this.nextOffset = nextOffset;
    this.partialBytes = buf.length - position;
  }

  private visible(header: DecodedBatchHeader, position: number, filter: AbortedTransactionFilter | null): boolean {
    // The filter needs a control batch's marker record; control batches are rare, so decode those whole.
    if (filter !== null && filter.skip(header.isControl ? decodeRecordBatch(this.buf, position) : header)) return false;
    return !header.isControl && header.recordCount > 0 && header.lastOffset >= this.fetchOffset;
  }

  /** Records of the batch at or after the fetch offset; only a batch straddling it needs its records read. */
  private visibleCount(header: DecodedBatchHeader, position: number): number {
    if (header.baseOffset >= this.fetchOffset) return header.recordCount;
    let count = 0;
    for (const r of decodeRecordBatch(this.buf, position).records) if (r.offset >= this.fetchOffset) count++;
    return count;
  }

  /** Points `view` at the next visible record; false when there is none. Throws CorruptRecordError. */
  next(view: RecordView): boolean {
    const cursor = this.cursor;
    for (;;) {
      if (this.left === 0 && !this.enterBatch()) {
        this.remaining = 0;
        return false;
      }
      if (cursor.position >= cursor.end) {
        throw new CorruptRecordError(`record batch declares recordCount ${this.declared} but holds only ${this.declared - this.left} records`);
      }
      readRecordView(cursor, this.body, this.context, view);
      if (--this.left === 0 && cursor.position !== cursor.end) {
        throw new CorruptRecordError(`record batch has ${cursor.end - cursor.position} bytes after its ${this.declared} declared records`);
      }
      if (view.offset >= this.fetchOffset) {
        this.remaining--;
        return true;
      }
    }
  }

  /** Why visit() stopped early at a record it could not read (next() throws it instead). */
  unreadable: unknown = null;

  /**
   * Hands up to `max` visible records to `visit` through `view` (next() in one loop, for the
   * cheap path); returns how many. A record that cannot be read ends the walk before `visit`
   * sees it, its error left in `unreadable`; a throwing `visit` ends it with its record counted as read.
   */
  visit(max: number, view: RecordView, visit: (record: RecordView, topic: string, partition: number) => void, topic: string, partition: number): number {
    let visited = 0;
    let reading = false;
    try {
      while (visited < max) {
        reading = true;
        const found = this.next(view);
        reading = false;
        if (!found) break;
        visited++;
        visit(view, topic, partition);
      }
    } catch (err) {
      if (!reading) throw err;
      this.unreadable = err;
    }
    return visited;
  }

  private enterBatch(): boolean {
    if (this.batchIndex >= this.positions.length) return false;
    const header = this.headers[this.batchIndex];
    const position = this.positions[this.batchIndex++];
    const start = position + RECORDS_OFFSET;
    const end = position + header.sizeInBytes;
    const cursor = this.cursor;
    if (header.compression === 'none') {
      cursor.buf = this.buf;
      cursor.position = start;
      cursor.end = end;
    } else {
      const plain = decompress(header.compression, this.buf.subarray(start, end));
      cursor.buf = plain;
      cursor.position = 0;
      cursor.end = plain.length;
    }
    const context = this.context;
    context.baseOffset = header.baseOffset;
    context.firstTimestamp = header.firstTimestamp;
    context.maxTimestamp = header.maxTimestamp;
    context.timestampType = header.timestampType;
    context.leaderEpoch = header.partitionLeaderEpoch;
    this.left = header.recordCount;
    this.declared = header.recordCount;
    return true;
  }
}

