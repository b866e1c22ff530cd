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

  it('refuses a frame larger than the limit before buffering it', () => {
    const d = new FrameDecoder(1024);
    expect(() => d.push(Buffer.from('00100000', 'hex'))).to.throw(FrameTooLargeError, /socket.request.max.bytes/);
  });

  it('refuses a negative frame size', () => {
    expect(() => new FrameDecoder(1024).push(Buffer.from('ffffffff', 'hex'))).to.throw(ProtocolError, /negative/);
  });
});
