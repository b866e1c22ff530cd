import { expect } from 'chai';
import { murmur2, toPositive } from '../../lib/record/murmur2';

describe('record/murmur2', () => {
  // Kafka's UtilsTest.testMurmur2 vectors (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
  const kafkaVectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];

  for (const [input, expected] of kafkaVectors) {
    it(`hashes "${input}" to ${expected} like the Java client`, () => {
      expect(murmur2(Buffer.from(input))).to.equal(expected);
    });
  }

  it('hashes the empty input to 275646681 (commons-codec MurmurHash2.hash32 with the same seed)', () => {
    expect(murmur2(Buffer.alloc(0))).to.equal(275646681);
  });

  it('hashes bytes that are not text like the Java client (vector generated with Kafka 1.0.0)', () => {
    expect(murmur2(Buffer.from([12, 42, 56, 24, 109, 111]))).to.equal(274204207);
  });

  it('treats bytes above 0x7f as unsigned, as Java does with & 0xff', () => {
    const high = murmur2(Buffer.from([0xff, 0x80, 0x90, 0xa0, 0xb0]));
    expect(high).to.be.a('number');
    expect(high).to.equal(high | 0);
    expect(high).to.not.equal(murmur2(Buffer.from([0x7f, 0x00, 0x10, 0x20, 0x30])));
  });

  it('always returns a signed 32-bit integer', () => {
    for (let n = 0; n < 64; n++) {
      const h = murmur2(Buffer.alloc(n, n));
      expect(h).to.equal(h | 0);
    }
  });

  it('makes any int non-negative by clearing the sign bit', () => {
    expect(toPositive(-973932308)).to.equal(1173551340);
    expect(toPositive(-(2 ** 31))).to.equal(0);
    expect(toPositive(-1)).to.equal(0x7fffffff);
    expect(toPositive(479470107)).to.equal(479470107);
  });
});
