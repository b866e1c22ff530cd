/**
 * Control records (KIP-98): the commit and abort markers a transaction coordinator writes into
 * every partition of a transaction, in Kafka's format so Kafka's tools and clients read them.
 *
 * A marker is a batch of its own with the transactional and control attribute bits, the
 * producer's id and epoch, base sequence -1, and one record whose key is the control record key
 * (version int16 = 0, type int16: 0 ABORT, 1 COMMIT) and whose value is the end-transaction
 * marker (version int16 = 0, coordinatorEpoch int32). The broker reads a marker only to keep its
 * producer state and aborted-transaction index, once per control batch, never per data record.
 */
import { CorruptRecordError } from '../protocol/errors';
import { ATTRIBUTES_OFFSET, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from './batch-header';
import { decodeRecordBatch, encodeRecordBatch } from './record-batch';

export const CONTROL_TYPE_ABORT = 0;
export const CONTROL_TYPE_COMMIT = 1;
const CONTROL_KEY_VERSION = 0;
const END_TXN_MARKER_VERSION = 0;
const CONTROL_KEY_SIZE = 4;
const END_TXN_MARKER_VALUE_SIZE = 6;

/** A commit or abort marker, as read from (or written into) a control batch. */
export interface EndTxnMarker {
  committed: boolean;
  coordinatorEpoch: number;
}

export interface EndTxnMarkerBatch extends EndTxnMarker {
  producerId: number;
  producerEpoch: number;
  /** Record timestamp; Kafka stamps the broker's clock when it writes the marker. */
  timestamp: number;
}

export function isControlAttributes(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0;
}

export function isTransactionalAttributes(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
}

/** Whether the batch at `position` is a control batch (one int16 read). */
export function isControlBatchAt(buf: Buffer, position: number): boolean {
  return isControlAttributes(buf.readInt16BE(position + ATTRIBUTES_OFFSET));
}

export function encodeControlRecordKey(committed: boolean): Buffer {
  const key = Buffer.alloc(CONTROL_KEY_SIZE);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(committed ? CONTROL_TYPE_COMMIT : CONTROL_TYPE_ABORT, 2);
  return key;
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(END_TXN_MARKER_VALUE_SIZE);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** One control batch holding the marker, as Kafka's MemoryRecords.withEndTransactionMarker builds it. */
export function encodeEndTxnMarkerBatch(marker: EndTxnMarkerBatch): Buffer {
  const record = { key: encodeControlRecordKey(marker.committed), value: encodeEndTxnMarkerValue(marker.coordinatorEpoch), timestamp: marker.timestamp };
  return encodeRecordBatch([record], {
    producerId: marker.producerId, producerEpoch: marker.producerEpoch, baseSequence: -1,
    transactional: true, control: true, now: marker.timestamp,
  });
}

/** The control record type in a control record key (Kafka's ControlRecordType.parse); throws on a short key. */
export function controlRecordType(key: Buffer | null): number {
  if (key === null || key.length < CONTROL_KEY_SIZE) throw new CorruptRecordError(`control record key has ${key?.length ?? 'no'} bytes, needs ${CONTROL_KEY_SIZE}`);
  const version = key.readInt16BE(0);
  if (version < 0) throw new CorruptRecordError(`control record key version ${version} is invalid`);
  return key.readInt16BE(2);
}

/** Kafka's EndTransactionMarker.deserialize: the marker in a control record, or null for another control type. */
export function parseEndTxnMarker(key: Buffer | null, value: Buffer | null): EndTxnMarker | null {
  const type = controlRecordType(key);
  if (type !== CONTROL_TYPE_ABORT && type !== CONTROL_TYPE_COMMIT) return null;
  if (value === null || value.length < END_TXN_MARKER_VALUE_SIZE) {
    throw new CorruptRecordError(`end transaction marker value has ${value?.length ?? 'no'} bytes, needs ${END_TXN_MARKER_VALUE_SIZE}`);
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new CorruptRecordError(`end transaction marker version ${version} is invalid`);
  return { committed: type === CONTROL_TYPE_COMMIT, coordinatorEpoch: value.readInt32BE(2) };
}

/**
 * The end-transaction marker of the control batch at `position` (the whole batch must be in
 * `buf`), or null when the batch is empty (the cleaner emptied it) or holds another control type.
 * Throws CorruptRecordError for a malformed batch or record.
 */
export function readEndTxnMarker(buf: Buffer, position: number): EndTxnMarker | null {
  const batch = decodeRecordBatch(buf, position);
  if (batch.records.length === 0) return null;
  return parseEndTxnMarker(batch.records[0].key, batch.records[0].value);
}

/** The marker as DumpLogSegments prints it: `endTxnMarker: COMMIT coordinatorEpoch: 0`. */
export function formatEndTxnMarker(marker: EndTxnMarker): string {
  return `endTxnMarker: ${marker.committed ? 'COMMIT' : 'ABORT'} coordinatorEpoch: ${marker.coordinatorEpoch}`;
}
