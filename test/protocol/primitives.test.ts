import { expect } from 'chai';
import fc from 'fast-check';
import { ProtocolError } from '../../lib/protocol/errors';
import { Reader } from '../../lib/protocol/reader';
import { Writer } from '../../lib/protocol/writer';

describe('protocol/reader and writer', () => {
  it('reads big-endian primitives from hand-written bytes', () => {
    const buf = Buffer.from('ff' + '0102' + '80000000' + '00000001ffffffff' + '0003616263' + 'ffff' + '00000002abcd' + 'ffffffff', 'hex');
    const r = new Reader(buf);
    expect(r.readInt8()).to.equal(-1);
    expect(r.readInt16()).to.equal(0x0102);
    expect(r.readInt32()).to.equal(-2147483648);
    expect(r.readInt64()).to.equal(0x1ffffffff);
    expect(r.readString()).to.equal('abc');
    expect(r.readNullableString()).to.equal(null);
    expect(r.readBytes().toString('hex')).to.equal('abcd');
    expect(r.readNullableBytes()).to.equal(null);
    expect(r.remaining).to.equal(0);
  });

  it('throws ProtocolError, never RangeError, on every truncated prefix', () => {
    const w = new Writer();
    w.writeInt32(7).writeInt64(123456789).writeString('hello').writeBytes(Buffer.alloc(10, 1));
    const full = w.toBuffer();
    for (let cut = 0; cut < full.length; cut++) {
      const r = new Reader(full.subarray(0, cut));
      expect(() => {
        r.readInt32();
        r.readInt64();
        r.readString();
        r.readBytes();
      }, `cut at ${cut}`).to.throw(ProtocolError);
    }
  });

  it('rejects a string length that runs past the frame', () => {
    const r = new Reader(Buffer.from('7fff6162', 'hex'));
    expect(() => r.readString()).to.throw(ProtocolError, /exceeds/);
  });

  it('rejects negative lengths other than -1', () => {
    expect(() => new Reader(Buffer.from('fffe', 'hex')).readNullableString()).to.throw(ProtocolError, /negative/);
    expect(() => new Reader(Buffer.from('fffffffe', 'hex')).readNullableBytes()).to.throw(ProtocolError, /negative/);
  });

  it('rejects an array count that cannot fit in the bytes left', () => {
    const r = new Reader(Buffer.from('7fffffff00000000', 'hex'));
    expect(() => r.readArrayLength(4)).to.throw(ProtocolError, /cannot fit/);
  });

  it('refuses int64 values beyond 2^53 instead of losing precision', () => {
    const r = new Reader(Buffer.from('7fffffffffffffff', 'hex'));
    expect(() => r.readInt64()).to.throw(ProtocolError, /2\^53/);
  });

  it('round-trips random values', () => {
    fc.assert(fc.property(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.maxSafeInteger(),
      fc.option(fc.string({ maxLength: 200 })),
      fc.option(fc.uint8Array({ maxLength: 3000 })),
      (i32, i64, str, bytes) => {
        const w = new Writer(8);
        w.writeInt32(i32).writeInt64(i64).writeNullableString(str).writeNullableBytes(bytes ? Buffer.from(bytes) : null);
        const r = new Reader(w.toBuffer());
        expect(r.readInt32()).to.equal(i32);
        expect(r.readInt64()).to.equal(i64);
        expect(r.readNullableString()).to.equal(str);
        const b = r.readNullableBytes();
        expect(b === null ? null : [...b]).to.deep.equal(bytes ? [...bytes] : null);
      },
    ));
  });

  it('keeps large byte fields as separate chunks instead of copying them', () => {
    const big = Buffer.alloc(64 * 1024, 7);
    const w = new Writer();
    w.writeInt32(1).writeBytes(big).writeInt16(2);
    const chunks = w.toChunks();
    expect(chunks).to.include(big);
    expect(w.length).to.equal(4 + 4 + big.length + 2);
  });
});
