import { expect } from 'chai';
import { decodeCheckpoint, decodeOffsetSync, encodeCheckpoint, encodeOffsetSync } from '../../lib/mirror/mirror-records';
import { ProtocolError } from '../../lib/protocol/errors';

describe('mirror/mirror-records', () => {
  it('encodes a checkpoint in MM2\'s layout (golden bytes written from the schema)', () => {
    const { key, value } = encodeCheckpoint({ group: 'g', topic: 'A.t', partition: 2, upstreamOffset: 7, downstreamOffset: 5, metadata: '' });
    expect(key.toString('hex')).to.equal('0001' + '67' + '0003' + '412e74' + '00000002');
    expect(value.toString('hex')).to.equal('0000' + '0000000000000007' + '0000000000000005' + '0000');
  });

  it('encodes an offset sync in MM2\'s layout', () => {
    const { key, value } = encodeOffsetSync({ topic: 't', partition: 1, upstreamOffset: 300, downstreamOffset: 256 });
    expect(key.toString('hex')).to.equal('0001' + '74' + '00000001');
    expect(value.toString('hex')).to.equal('000000000000012c' + '0000000000000100');
  });

  it('round-trips', () => {
    const c = { group: 'orders-app', topic: 'east.orders', partition: 11, upstreamOffset: 2 ** 40, downstreamOffset: 12345, metadata: 'm' };
    const e = encodeCheckpoint(c);
    expect(decodeCheckpoint(e.key, e.value)).to.deep.equal(c);
    const s = { topic: 'orders', partition: 0, upstreamOffset: 99, downstreamOffset: 3 };
    const es = encodeOffsetSync(s);
    expect(decodeOffsetSync(es.key, es.value)).to.deep.equal(s);
  });

  it('refuses truncated, trailing, versioned-ahead and missing bytes with a ProtocolError', () => {
    const e = encodeCheckpoint({ group: 'g', topic: 't', partition: 0, upstreamOffset: 1, downstreamOffset: 1, metadata: '' });
    expect(() => decodeCheckpoint(e.key.subarray(0, 3), e.value)).to.throw(ProtocolError);
    expect(() => decodeCheckpoint(e.key, Buffer.concat([e.value, Buffer.from([0])]))).to.throw(ProtocolError, /trailing/);
    const v1 = Buffer.from(e.value);
    v1.writeInt16BE(1, 0);
    expect(() => decodeCheckpoint(e.key, v1)).to.throw(ProtocolError, /version 1/);
    expect(() => decodeCheckpoint(null, e.value)).to.throw(ProtocolError);
    expect(() => decodeOffsetSync(Buffer.from('0001', 'hex'), Buffer.alloc(16))).to.throw(ProtocolError);
  });
});
