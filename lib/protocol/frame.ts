/**
 * Frame layout and headers (docs/protocol.md "Framing").
 *
 *   Frame            => size:int32 payload[size]
 *   Request header   => apiKey:int16 apiVersion:int16 correlationId:int32 clientId:nullableString
 *   Response header  => correlationId:int32 errorCode:int16 [errorMessage:nullableString if errorCode != 0]
 *
 * A response whose header carries a non-zero errorCode has no body: it is how the broker answers a
 * request it could not decode at all (unknown API key or version, malformed body, oversized frame).
 */
import { ProtocolError } from './errors';
import { Reader } from './reader';
import { Type } from './schema';
import { Writer } from './writer';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export interface ResponseHeader {
  correlationId: number;
  errorCode: number;
  errorMessage: string | null;
}

/** The smallest request header: apiKey + apiVersion + correlationId + clientId length. */
export const MIN_REQUEST_HEADER_BYTES = 10;

export function readRequestHeader(r: Reader): RequestHeader {
  return { apiKey: r.readInt16(), apiVersion: r.readInt16(), correlationId: r.readInt32(), clientId: r.readNullableString() };
}

export function readResponseHeader(r: Reader): ResponseHeader {
  const correlationId = r.readInt32();
  const errorCode = r.readInt16();
  const errorMessage = errorCode !== 0 ? r.readNullableString() : null;
  return { correlationId, errorCode, errorMessage };
}

function framed(w: Writer): Buffer[] {
  const chunks = w.toChunks();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length, 0);
  return [size, ...chunks];
}

export function encodeRequestFrame<T>(header: RequestHeader, type: Type<T>, body: T): Buffer[] {
  const w = new Writer(512);
  w.writeInt16(header.apiKey).writeInt16(header.apiVersion).writeInt32(header.correlationId).writeNullableString(header.clientId);
  type.write(w, body, header.apiVersion);
  return framed(w);
}

export function encodeResponseFrame<T>(correlationId: number, type: Type<T>, body: T, version: number): Buffer[] {
  const w = new Writer(512);
  w.writeInt32(correlationId).writeInt16(0);
  type.write(w, body, version);
  return framed(w);
}

export function encodeErrorResponseFrame(correlationId: number, errorCode: number, errorMessage: string): Buffer[] {
  const w = new Writer(128);
  w.writeInt32(correlationId).writeInt16(errorCode).writeNullableString(errorMessage.slice(0, 1000));
  return framed(w);
}

export class FrameTooLargeError extends ProtocolError {
  constructor(readonly size: number, readonly maxBytes: number) {
    super(`frame of ${size} bytes exceeds the limit of ${maxBytes} bytes (socket.request.max.bytes)`);
    this.name = 'FrameTooLargeError';
  }
}

/**
 * Splits a byte stream into frames. Chunks are kept as a list and a frame spanning several is
 * copied once into its own buffer (only its bytes, not the rest of the chunks), so a large frame
 * arriving in many TCP chunks is copied once, and frames inside one chunk are returned as views
 * without copying.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  /**
   * @param allocate where a frame spread over several chunks is copied to (a broker leases pooled
   *   buffers for large requests: a fresh one per frame is external memory that drives V8's full
   *   collections). Called with the frame's length; returns exactly that many bytes.
   */
  constructor(private readonly maxFrameBytes: number, private readonly allocate: (length: number) => Buffer = Buffer.allocUnsafe) {}

  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Adds a chunk and returns the complete frames it finishes (payloads without the size prefix).
   * Throws FrameTooLargeError or ProtocolError on an impossible size; the stream is then unusable.
   */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const head = this.peek(4);
        const size = head.readInt32BE(0);
        if (size < 0) throw new ProtocolError(`negative frame size ${size}`);
        if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        this.consume(4);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  /** The first buffered bytes not yet returned as frames (size prefix included), for best-effort error replies. */
  peekPending(bytes: number): Buffer {
    const n = Math.min(bytes, this.buffered);
    return n === 0 ? Buffer.alloc(0) : this.peek(n);
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    return this.gather(n, false);
  }

  /**
   * The first `n` buffered bytes (spread over several chunks) copied into one buffer; with
   * `consume`, the chunks they came from are dropped, the last one kept as a view of its rest.
   * Only the frame's own bytes are copied: the bytes after it stay in their chunks, so a stream of
   * frames straddling chunk boundaries copies each byte at most once.
   */
  private gather(n: number, consume: boolean): Buffer {
    const out = consume ? this.allocate(n) : Buffer.allocUnsafe(n);
    let filled = 0;
    let i = 0;
    while (filled < n) {
      const chunk = this.chunks[i];
      const take = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, take);
      filled += take;
      if (take < chunk.length) {
        if (consume) this.chunks[i] = chunk.subarray(take);
        break;
      }
      i++;
    }
    if (consume) this.chunks.splice(0, i);
    return out;
  }

  private consume(n: number): void {
    this.take(n);
  }

  private take(n: number): Buffer {
    // An empty frame (a bare SASL challenge can be one) may end exactly where the buffered bytes do.
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = this.gather(n, true);
    }
    this.buffered -= n;
    return out;
  }
}
