import { expect } from 'chai';
import fc from 'fast-check';
import { coordinatorPartition } from '../../lib/group/coordinator-partition';
import { javaStringHashCode, kafkaAbs } from '../../lib/util/java-hash';

/** An independent model of Java's String.hashCode: exact BigInt arithmetic, wrapped to int32 once at the end. */
function bigIntHash(s: string): number {
  let h = 0n;
  for (let i = 0; i < s.length; i++) h = h * 31n + BigInt(s.charCodeAt(i));
  return Number(BigInt.asIntN(32, h));
}

describe('group/coordinator-partition', () => {
  describe('javaStringHashCode', () => {
    const known: Array<[string, number]> = [
      ['', 0],
      ['a', 97],
      ['Aa', 2112],
      ['BB', 2112],
      ['hello', 99162322],
      ['Hello World', -862545276],
      // The classic string whose hash is Integer.MIN_VALUE.
      ['polygenelubricants', -2147483648],
    ];
    for (const [s, expected] of known) {
      it(`matches Java's value for ${JSON.stringify(s)} (${expected})`, () => {
        expect(javaStringHashCode(s)).to.equal(expected);
      });
    }

    it('wraps around int32 exactly like Java for a long group id', () => {
      const s = 'console-consumer-12345';
      expect(javaStringHashCode(s)).to.equal(bigIntHash(s));
      expect(javaStringHashCode('x'.repeat(200))).to.equal(bigIntHash('x'.repeat(200)));
    });

    it('hashes UTF-16 code units, so astral characters count as two surrogates', () => {
      // U+1F600 is the pair D83D DE00: 0xD83D * 31 + 0xDE00.
      expect(javaStringHashCode('\u{1F600}')).to.equal(0xd83d * 31 + 0xde00);
      expect(javaStringHashCode('grüße-€')).to.equal(bigIntHash('grüße-€'));
    });

    it('agrees with the BigInt model on arbitrary strings', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (s) => javaStringHashCode(s) === bigIntHash(s)), { numRuns: 300 });
    });
  });

  describe('coordinatorPartition', () => {
    it('maps Integer.MIN_VALUE to partition 0 as Kafka\'s Utils.abs does', () => {
      expect(kafkaAbs(-2147483648)).to.equal(0);
      expect(coordinatorPartition('polygenelubricants', 50)).to.equal(0);
      expect(coordinatorPartition('polygenelubricants', 7)).to.equal(0);
    });

    it('takes the absolute value of negative hashes before the modulo', () => {
      // 862545276 % 50 = 26
      expect(coordinatorPartition('Hello World', 50)).to.equal(26);
      // 99162322 % 50 = 22
      expect(coordinatorPartition('hello', 50)).to.equal(22);
      expect(coordinatorPartition('', 50)).to.equal(0);
      expect(coordinatorPartition('a', 50)).to.equal(47);
    });

    it('always lands inside [0, numPartitions)', () => {
      fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 1000 }), (s, n) => {
        const h = bigIntHash(s);
        const expected = h === -2147483648 ? 0 : Math.abs(h) % n;
        const p = coordinatorPartition(s, n);
        return p === expected && p >= 0 && p < n;
      }), { numRuns: 300 });
    });

    it('rejects a partition count below one', () => {
      expect(() => coordinatorPartition('g', 0)).to.throw(RangeError);
      expect(() => coordinatorPartition('g', 1.5)).to.throw(RangeError);
    });
  });
});
