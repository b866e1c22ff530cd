import { expect } from 'chai';
import * as fc from 'fast-check';
import { DirectFrameReader } from '../../lib/client/frame-reader';
import { ProtocolError } from '../../lib/protocol/errors';
import { FrameDecoder, FrameTooLargeError } from '../../lib/protocol/frame';

function framed(payloads: Buffer[]): Buffer {
  return Buffer.concat(payloads.flatMap((p) => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(p.length, 0);
    return [size, p];
  }));
}

/** Feeds `stream` as a socket would: each read fills at most `readSizes[i]` bytes of the buffer the reader offers. */
function readAll(reader: DirectFrameReader, stream: Buffer, readSizes: number[]): Buffer[] {
  const frames: Buffer[] = [];
  let position = 0;
  for (let i = 0; position < stream.length; i++) {
    const target = reader.nextBuffer();
    const n = Math.min(target.length, stream.length - position, readSizes[i % readSizes.length]);
    stream.copy(target, 0, position, position + n);
    position += n;
    frames.push(...reader.received(n));
  }
  return frames;
}

describe('client/frame-reader', () => {
  it('splits any stream cut at any points into the same frames as FrameDecoder', () => {
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.integer({ min: 60000, max: 200000 }).map((n) => Buffer.alloc(n, n % 251)),
    );
    fc.assert(fc.property(fc.array(payload, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 70000 }), { minLength: 1, maxLength: 10 }), (payloads, reads) => {
      const stream = framed(payloads);
      const frames = readAll(new DirectFrameReader(1 << 20), stream, reads);
      expect(frames.map((f) => f.toString('hex'))).to.deep.equal(payloads.map((p) => p.toString('hex')));
      const decoder = new FrameDecoder(1 << 20);
      expect(decoder.push(stream).length).to.equal(payloads.length);
    }), { numRuns: 60 });
  });

  it('reads the rest of a large frame into the frame itself', () => {
    const reader = new DirectFrameReader(1 << 20);
    const stream = framed([Buffer.alloc(100000, 7)]);
    const first = reader.nextBuffer();
    stream.copy(first, 0, 0, 1000);
    expect(reader.received(1000)).to.deep.equal([]);
    const rest = reader.nextBuffer();
    expect(rest.length).to.equal(100000 - 996);
    stream.copy(rest, 0, 1000);
    const [frame] = reader.received(rest.length);
    expect(frame.buffer).to.equal(rest.buffer);
    expect(frame.equals(Buffer.alloc(100000, 7))).to.equal(true);
  });

  it('refuses negative and oversized frame sizes as FrameDecoder does', () => {
    const reader = new DirectFrameReader(100);
    const negative = Buffer.from('fffffffe', 'hex');
    negative.copy(reader.nextBuffer());
    expect(() => reader.received(4)).to.throw(ProtocolError, /negative frame size/);
    const big = new DirectFrameReader(100);
    Buffer.from('00000065', 'hex').copy(big.nextBuffer());
    expect(() => big.received(4)).to.throw(FrameTooLargeError);
  });
});
