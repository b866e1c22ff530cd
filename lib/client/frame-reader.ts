/**
 * Response framing for plain TCP connections that reads straight into the frames: the socket is
 * given (through net.connect's `onread`) the buffer to read into next. Between frames that is a
 * reused scratch buffer; once a frame's size is known and it did not fit in what was read, it is
 * the unfilled rest of a buffer allocated for that frame, so the kernel writes a large fetch
 * answer where the consumer will read it (no 64 KiB chunk per read, no joining copy). Frames that
 * arrived whole in the scratch buffer are copied out of it (they are small). TLS sockets keep
 * FrameDecoder (protocol/frame.ts), which this mirrors: same size checks, same errors.
 */
import { ProtocolError } from '../protocol/errors';
import { FrameTooLargeError } from '../protocol/frame';

const SCRATCH_BYTES = 64 * 1024;
const SIZE_BYTES = 4;

export class DirectFrameReader {
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  /** The frame being read into, and how much of it is there. */
  private frame: Buffer | null = null;
  private filled = 0;
  /** A size prefix split across reads. */
  private readonly size = Buffer.alloc(SIZE_BYTES);
  private sizeFilled = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Where the socket reads next. */
  nextBuffer(): Buffer {
    return this.frame === null ? this.scratch : this.frame.subarray(this.filled);
  }

  /**
   * `nread` bytes were read into the last nextBuffer(); returns the frames they complete (payloads
   * without the size prefix). Throws FrameTooLargeError or ProtocolError; the stream is then unusable.
   */
  received(nread: number): Buffer[] {
    const frame = this.frame;
    if (frame !== null) {
      this.filled += nread;
      if (this.filled < frame.length) return [];
      this.frame = null;
      this.filled = 0;
      return [frame];
    }
    return this.split(this.scratch, nread);
  }

  private split(buf: Buffer, end: number): Buffer[] {
    const frames: Buffer[] = [];
    let position = 0;
    while (position < end) {
      while (this.sizeFilled < SIZE_BYTES && position < end) this.size[this.sizeFilled++] = buf[position++];
      if (this.sizeFilled < SIZE_BYTES) break;
      const size = this.size.readInt32BE(0);
      if (size < 0) throw new ProtocolError(`negative frame size ${size}`);
      if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      const available = end - position;
      if (available < size) {
        // The rest of this frame is read straight into it.
        const frame = Buffer.allocUnsafe(size);
        buf.copy(frame, 0, position, end);
        this.frame = frame;
        this.filled = available;
        this.sizeFilled = 0;
        return frames;
      }
      this.sizeFilled = 0;
      const frame = Buffer.allocUnsafe(size);
      buf.copy(frame, 0, position, position + size);
      frames.push(frame);
      position += size;
    }
    return frames;
  }
}
