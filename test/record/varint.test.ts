import { expect } from 'chai';
import * as fc from 'fast-check';
import { CorruptRecordError } from '../../lib/protocol/errors';
import {
  cursorOf, encodeVarint, encodeVarlong, readVarint, readVarlong, sizeOfVarint, sizeOfVarlong,
} from '../../lib/record/varint';

/** Reference zig-zag varlong in BigInt, written from the definition, to check the number-based codec. */
function referenceVarlong(value: number): Buffer {
  const v = BigInt(value);
  let zigzag = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const bytes: number[] = [];
  while (zigzag > 0x7fn) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

function hex(value: string): Buffer {
  return Buffer.from(value.replace(/\s+/g, ''), 'hex');
}

describe('record/varint', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [-65, '8101'],
    [300, 'd804'],
    [2 ** 31 - 1, 'feffffff0f'],
    [-(2 ** 31), 'ffffffff0f'],
  ];

  for (const [value, expected] of cases) {
    it(`encodes ${value} as ${expected} and reads it back`, () => {
      expect(encodeVarint(value).toString('hex')).to.equal(expected);
      expect(sizeOfVarint(value)).to.equal(expected.length / 2);
      const cursor = cursorOf(hex(expected));
      expect(readVarint(cursor)).to.equal(value);
      expect(cursor.position).to.equal(expected.length / 2);
    });
  }

  it('encodes int32 values identically as varint and varlong', () => {
    for (const [value, expected] of cases) expect(encodeVarlong(value).toString('hex')).to.equal(expected);
  });

  it('encodes varlongs beyond 32 bits like the 64-bit definition', () => {
    const values = [2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 35 + 17, -(2 ** 40), 1600000000000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (const value of values) {
      const encoded = encodeVarlong(value);
      expect(encoded.toString('hex'), `value ${value}`).to.equal(referenceVarlong(value).toString('hex'));
      expect(sizeOfVarlong(value)).to.equal(encoded.length);
      expect(readVarlong(cursorOf(encoded))).to.equal(value);
    }
    expect(encodeVarlong(2 ** 31).toString('hex')).to.equal('8080808010');
    expect(encodeVarlong(Number.MAX_SAFE_INTEGER).toString('hex')).to.equal('feffffffffffff1f');
  });

  it('round-trips any safe integer through varlong, matching the 64-bit definition', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (value) => {
      const encoded = encodeVarlong(value);
      expect(encoded.equals(referenceVarlong(value))).to.equal(true);
      expect(sizeOfVarlong(value)).to.equal(encoded.length);
      const cursor = cursorOf(encoded);
      expect(readVarlong(cursor)).to.equal(value);
      expect(cursor.position).to.equal(encoded.length);
    }), { numRuns: 500 });
  });

  it('round-trips any int32 through varint', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => {
      const encoded = encodeVarint(value);
      expect(encoded.equals(referenceVarlong(value))).to.equal(true);
      expect(readVarint(cursorOf(encoded))).to.equal(value);
    }), { numRuns: 500 });
  });

  it('refuses to encode values outside the range instead of wrapping', () => {
    for (const value of [2 ** 31, -(2 ** 31) - 1, 1.5, NaN, Infinity]) {
      expect(() => encodeVarint(value), `varint ${value}`).to.throw(RangeError);
      expect(() => sizeOfVarint(value), `size ${value}`).to.throw(RangeError);
    }
    for (const value of [2 ** 53, -(2 ** 53), 2 ** 60, 0.5, NaN, -Infinity]) {
      expect(() => encodeVarlong(value), `varlong ${value}`).to.throw(RangeError);
    }
  });

  it('throws CorruptRecordError for a truncated varint or varlong', () => {
    expect(() => readVarint(cursorOf(hex('')))).to.throw(CorruptRecordError, /truncated/);
    expect(() => readVarint(cursorOf(hex('ffff')))).to.throw(CorruptRecordError, /truncated/);
    expect(() => readVarint(cursorOf(hex('ffffffff')))).to.throw(CorruptRecordError, /truncated/);
    expect(() => readVarlong(cursorOf(hex('80')))).to.throw(CorruptRecordError, /truncated/);
    expect(() => readVarlong(cursorOf(hex('8080808080')))).to.throw(CorruptRecordError, /truncated/);
  });

  it('respects the cursor end even when the buffer continues', () => {
    const buf = hex('8001');
    expect(() => readVarint(cursorOf(buf, 0, 1))).to.throw(CorruptRecordError, /truncated/);
  });

  it('throws CorruptRecordError for over-long encodings', () => {
    expect(() => readVarint(cursorOf(hex('ffffffff7f')))).to.throw(CorruptRecordError, /5 bytes/);
    expect(() => readVarint(cursorOf(hex('808080808001')))).to.throw(CorruptRecordError, /5 bytes/);
    expect(() => readVarlong(cursorOf(hex('ffffffffffffffffff7f')))).to.throw(CorruptRecordError);
    expect(() => readVarlong(cursorOf(hex('80808080808080808080' + '01')))).to.throw(CorruptRecordError, /10 bytes/);
  });

  it('throws CorruptRecordError for varlongs outside the safe-integer range', () => {
    for (const value of [2 ** 53, -(2 ** 53), 2 ** 60, -(2 ** 62)]) {
      expect(() => readVarlong(cursorOf(referenceVarlong(value))), `value ${value}`).to.throw(CorruptRecordError, /range/);
    }
    expect(readVarlong(cursorOf(referenceVarlong(-(2 ** 53) + 1)))).to.equal(-Number.MAX_SAFE_INTEGER);
  });

  it('never throws anything but CorruptRecordError on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      for (const read of [readVarint, readVarlong]) {
        try {
          read(cursorOf(Buffer.from(bytes)));
        } catch (err) {
          expect(err).to.be.instanceOf(CorruptRecordError);
        }
      }
    }), { numRuns: 500 });
  });
});
