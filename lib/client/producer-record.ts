/**
 * The record shape applications hand to Producer.send(), and its conversion to the codec's
 * ProducerRecordData (strings to UTF-8 Buffers, header maps to lists, a send-time timestamp).
 * Kept apart from the producer so the hot path's one allocation per record is easy to see.
 */
import { ProducerRecordData, RecordHeader } from '../record/record';
import { InvalidArgumentError } from './client-errors';

export type HeaderValue = Buffer | string | null;

export interface ProducerRecord {
  topic: string;
  partition?: number;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue> | Array<{ key: string; value: HeaderValue }>;
  timestamp?: number;
}

function toBuffer(v: Buffer | string | null | undefined, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  const bytes: unknown = v;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new InvalidArgumentError(`record ${what} must be a Buffer, a string or null`);
}

function toHeaders(headers: ProducerRecord['headers']): RecordHeader[] | undefined {
  if (headers === undefined || headers === null) return undefined;
  const out: RecordHeader[] = [];
  if (Array.isArray(headers)) {
    for (const h of headers) {
      if (typeof h.key !== 'string') throw new InvalidArgumentError('record header keys must be strings');
      out.push({ key: h.key, value: toBuffer(h.value, `header '${h.key}'`) });
    }
  } else {
    for (const key of Object.keys(headers)) out.push({ key, value: toBuffer(headers[key], `header '${key}'`) });
  }
  return out.length > 0 ? out : undefined;
}

/** Converts and validates one record; `nowMs` is its timestamp unless it carries one. */
export function toRecordData(record: ProducerRecord, nowMs: number): ProducerRecordData {
  if (record === null || typeof record !== 'object') throw new InvalidArgumentError('send() needs a record object');
  if (typeof record.topic !== 'string' || record.topic.length === 0) {
    throw new InvalidArgumentError('record topic must be a non-empty string');
  }
  const timestamp = record.timestamp ?? nowMs;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidArgumentError(`Invalid timestamp: ${String(record.timestamp)}. Timestamp should always be non-negative or null.`);
  }
  return {
    key: toBuffer(record.key, 'key'),
    value: toBuffer(record.value, 'value'),
    headers: toHeaders(record.headers),
    timestamp,
  };
}
