import { expect } from 'chai';
import { Api } from '../../lib/protocol/api';
import { ProtocolError } from '../../lib/protocol/errors';
import {
  encodeErrorResponseFrame, encodeRequestFrame, FrameDecoder, FrameTooLargeError, readRequestHeader, readResponseHeader,
} from '../../lib/protocol/frame';
import { Reader } from '../../lib/protocol/reader';

describe('protocol/frame', () => {
  it('lays out a request frame as size, header, body', () => {
    const frame = Buffer.concat(encodeRequestFrame({ apiKey: 18, apiVersion: 0, correlationId: 7, clientId: 'c' }, Api.ApiVersions.request, {}));
    // size 11 | apiKey 18 | version 0 | correlationId 7 | clientId "c"
    expect(frame.toString('hex')).to.equal('0000000b' + '0012' + '0000' + '00000007' + '000163');
    const header = readRequestHeader(new Reader(frame, 4));
    expect(header).to.deep.equal({ apiKey: 18, apiVersion: 0, correlationId: 7, clientId: 'c' });
  });

  it('carries an error message in the response header when errorCode is set', () => {
    const frame = Buffer.concat(encodeErrorResponseFrame(5, 35, 'no'));
    expect(frame.toString('hex')).to.equal('0000000a' + '00000005' + '0023' + '00026e6f');
    expect(readResponseHeader(new Reader(frame, 4))).to.deep.equal({ correlationId: 5, errorCode: 35, errorMessage: 'no' });
  });

  it('splits frames that arrive byte by byte and frames packed into one chunk', () => {
    const a = Buffer.from('00000002aaaa', 'hex');
    const b = Buffer.from('00000003bbbbbb', 'hex');
    const bytewise = new FrameDecoder(100);
    const out: Buffer[] = [];
    for (const byte of Buffer.concat([a, b])) out.push(...bytewise.push(Buffer.from([byte])));
    expect(out.map((f) => f.toString('hex'))).to.deep.equal(['aaaa', 'bbbbbb']);
    const packed = new FrameDecoder(100).push(Buffer.concat([a, b, Buffer.from('0000', 'hex')]));
    expect(packed.map((f) => f.toString('hex'))).to.deep.equal(['aaaa', 'bbbbbb']);
  });

  it('returns the same frames however the stream is cut, and a frame copied out of several chunks owns its bytes', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const payloads = Array.from({ length: 40 }, (_, i) => Buffer.alloc(random(300), i + 1));
    const stream = Buffer.concat(payloads.map((p) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(p.length);
      return Buffer.concat([size, p]);
    }));
    for (let round = 0; round < 20; round++) {
      const decoder = new FrameDecoder(1000);
      const out: Buffer[] = [];
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length;) {
        const end = Math.min(stream.length, at + 1 + random(round < 10 ? 40 : 700));
        const chunk = Buffer.from(stream.subarray(at, end));
        chunks.push(chunk);
        out.push(...decoder.push(chunk));
        at = end;
      }
      expect(out.map((f) => f.toString('hex'))).to.deep.equal(payloads.map((p) => p.toString('hex')));
      expect(decoder.bufferedBytes).to.equal(0);
      // The chunks are the socket's: scribbling on them afterwards must not change a frame copied out of several.
      const copied = out.map((f) => f.toString('hex'));
      for (const c of chunks) if (!out.some((f) => f.buffer === c.buffer)) c.fill(0);
      expect(out.map((f) => f.toString('hex'))).to.deep.equal(copied);
    }
  });

  it('peeks at pending bytes spread over chunks without consuming them', () => {
    const d = new FrameDecoder(100);
    expect(d.push(Buffer.from('0000', 'hex'))).to.deep.equal([]);
    expect(d.push(Buffer.from('00', 'hex'))).to.deep.equal([]);
    expect(d.peekPending(12).toString('hex')).to.equal('000000');
    expect(d.push(Buffer.from('02abcd', 'hex')).map((f) => f.toString('hex'))).to.deep.equal(['abcd']);
  });

  it('copies a frame spread over chunks into what the allocator gives, and only such frames', () => {
    const asked: number[] = [];
    const d = new FrameDecoder(100, (length) => {
      asked.push(length);
      return Buffer.alloc(length);
    });
    expect(d.push(Buffer.from('0000', 'hex'))).to.deep.equal([]);
    expect(d.push(Buffer.from('0003aa', 'hex'))).to.deep.equal([]);
    expect(d.push(Buffer.from('bbcc00000001dd', 'hex')).map((f) => f.toString('hex'))).to.deep.equal(['aabbcc', 'dd']);
    // The split size prefix and the split frame were gathered; 'dd' is a view of its chunk.
    expect(asked).to.deep.equal([4, 3]);
  });

  it('refuses a frame larger than the limit before buffering it', () => {
    const d = new FrameDecoder(1024);
    expect(() => d.push(Buffer.from('00100000', 'hex'))).to.throw(FrameTooLargeError, /socket.request.max.bytes/);
  });

  it('refuses a negative frame size', () => {
    expect(() => new FrameDecoder(1024).push(Buffer.from('ffffffff', 'hex'))).to.throw(ProtocolError, /negative/);
  });
});
