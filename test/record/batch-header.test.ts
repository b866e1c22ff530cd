import { expect } from 'chai';
import { readInt64AsNumber, writeInt64FromNumber } from '../../lib/record/batch-header';
import { Writer } from '../../lib/protocol/writer';

describe('record/batch-header int64 fields', () => {
  const values = [0, 1, -1, 255, 0xffffffff, 0x100000000, -0x100000000, 2 ** 40 + 12345, -(2 ** 40) - 7, 1_700_000_000_123,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -(2 ** 63)];

  it('writes a number as writeBigInt64BE(BigInt(n)) does, and reads it back as Number(readBigInt64BE) does', () => {
    for (const v of values) {
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(BigInt(v));
      const actual = Buffer.alloc(8);
      writeInt64FromNumber(actual, v, 0);
      expect(actual.toString('hex'), `write ${v}`).to.equal(expected.toString('hex'));
      expect(readInt64AsNumber(expected, 0), `read ${v}`).to.equal(Number(expected.readBigInt64BE(0)));
    }
  });

  it('reads int64 values beyond 2^53 rounded as Number(bigint) rounds', () => {
    const buf = Buffer.alloc(8);
    for (const big of [2n ** 53n + 1n, 2n ** 62n + 3n, -(2n ** 60n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      buf.writeBigInt64BE(big);
      expect(readInt64AsNumber(buf, 0), String(big)).to.equal(Number(big));
    }
  });

  it('refuses a non-integer as BigInt does', () => {
    expect(() => writeInt64FromNumber(Buffer.alloc(8), 1.5, 0)).to.throw(RangeError);
  });

  it('encodes protocol int64 fields byte for byte as before', () => {
    for (const v of values) {
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(BigInt(v));
      expect(Buffer.from(new Writer().writeInt64(v).toBuffer()).toString('hex'), `${v}`).to.equal(expected.toString('hex'));
    }
  });
});
