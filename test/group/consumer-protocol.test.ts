import { expect } from 'chai';
import fc from 'fast-check';
import {
  decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription,
} from '../../lib/group/consumer-protocol';
import { sortTopicPartitions } from '../../lib/util/topic-partition';
import { ProtocolError } from '../../lib/protocol/errors';

// Golden bytes written by hand from ConsumerProtocolSubscription.json / ConsumerProtocolAssignment.json:
// INT16 version, then the non-flexible struct (STRING = INT16 length + UTF-8, arrays = INT32 count,
// NULLABLE_BYTES = INT32 length or -1, NULLABLE_STRING = INT16 length or -1).
const FOO = '0003666f6f';
const BAR = '0003626172';
const OWNED = '00000002' + FOO + '00000002' + '00000000' + '00000002' + BAR + '00000001' + '00000001';
const SUB_BODY_V1 = '00000002' + FOO + BAR + '00000002' + '0102' + OWNED;
const owned = [{ topic: 'foo', partition: 0 }, { topic: 'foo', partition: 2 }, { topic: 'bar', partition: 1 }];
const sub = { topics: ['foo', 'bar'], userData: Buffer.from([1, 2]), ownedPartitions: owned, generationId: 5, rackId: 'r1' };

function hex(s: string): Buffer {
  return Buffer.from(s, 'hex');
}

describe('group/consumer-protocol', () => {
  describe('Subscription', () => {
    it('encodes v0 as version, topics and null user data', () => {
      const bytes = encodeSubscription({ topics: ['t1'] }, 0);
      expect(bytes.toString('hex')).to.equal('0000' + '00000001' + '00027431' + 'ffffffff');
      expect(decodeSubscription(bytes)).to.deep.equal({
        version: 0, topics: ['t1'], userData: null, ownedPartitions: [], generationId: -1, rackId: null,
      });
    });

    it('encodes v1 owned partitions grouped by topic in order of first appearance', () => {
      expect(encodeSubscription(sub, 1).toString('hex')).to.equal('0001' + SUB_BODY_V1);
    });

    it('appends the generation id in v2 and the rack id in v3', () => {
      expect(encodeSubscription(sub, 2).toString('hex')).to.equal('0002' + SUB_BODY_V1 + '00000005');
      expect(encodeSubscription(sub, 3).toString('hex')).to.equal('0003' + SUB_BODY_V1 + '00000005' + '00027231');
      expect(encodeSubscription({ ...sub, rackId: null }).toString('hex')).to.equal('0003' + SUB_BODY_V1 + '00000005' + 'ffff');
    });

    it('decodes golden v1, v2 and v3 bytes', () => {
      const v1 = decodeSubscription(hex('0001' + SUB_BODY_V1));
      expect(v1).to.deep.include({ version: 1, topics: ['foo', 'bar'], ownedPartitions: owned, generationId: -1, rackId: null });
      expect(v1.userData!.toString('hex')).to.equal('0102');
      expect(decodeSubscription(hex('0002' + SUB_BODY_V1 + '00000005'))).to.deep.include({ version: 2, generationId: 5, rackId: null });
      expect(decodeSubscription(hex('0003' + SUB_BODY_V1 + '00000005' + '00027231'))).to.deep.include({ version: 3, generationId: 5, rackId: 'r1' });
    });

    it('reads a newer version with the newest known format and ignores the fields it appends', () => {
      const decoded = decodeSubscription(hex('0009' + SUB_BODY_V1 + '00000005' + '00027231' + 'deadbeef'));
      expect(decoded).to.deep.include({ version: 9, topics: ['foo', 'bar'], generationId: 5, rackId: 'r1' });
    });

    it('rejects negative versions, truncation and trailing bytes after a known version', () => {
      expect(() => decodeSubscription(hex('ffff' + SUB_BODY_V1))).to.throw(ProtocolError, /version -1/);
      expect(() => decodeSubscription(hex('0001' + SUB_BODY_V1.slice(0, -4)))).to.throw(ProtocolError);
      expect(() => decodeSubscription(hex('0001' + SUB_BODY_V1 + '00'))).to.throw(ProtocolError, /trailing/);
      expect(() => decodeSubscription(Buffer.alloc(0))).to.throw(ProtocolError);
    });

    it('refuses to write a version it does not know', () => {
      expect(() => encodeSubscription({ topics: [] }, 4)).to.throw(RangeError);
    });
  });

  describe('Assignment', () => {
    const BODY = '00000002' + FOO + '00000002' + '00000000' + '00000002' + BAR + '00000001' + '00000001' + 'ffffffff';

    it('encodes partitions grouped by topic followed by user data', () => {
      expect(encodeAssignment({ partitions: owned }, 0).toString('hex')).to.equal('0000' + BODY);
      expect(encodeAssignment({ partitions: owned }).toString('hex')).to.equal('0003' + BODY);
      const withData = encodeAssignment({ partitions: [{ topic: 't', partition: 7 }], userData: Buffer.from('ab', 'hex') }, 1);
      expect(withData.toString('hex')).to.equal('0001' + '00000001' + '000174' + '00000001' + '00000007' + '00000001' + 'ab');
    });

    it('decodes golden bytes, including an empty assignment', () => {
      expect(decodeAssignment(hex('0000' + BODY))).to.deep.equal({ version: 0, partitions: owned, userData: null });
      expect(decodeAssignment(hex('0001' + '00000000' + 'ffffffff'))).to.deep.equal({ version: 1, partitions: [], userData: null });
    });

    it('treats zero bytes as an empty assignment, as the coordinator sends to members the leader left out', () => {
      expect(decodeAssignment(Buffer.alloc(0))).to.deep.equal({ version: 0, partitions: [], userData: null });
    });

    it('reads a newer version as the newest known and rejects trailing bytes after a known one', () => {
      expect(decodeAssignment(hex('0007' + BODY + '0000'))).to.deep.equal({ version: 7, partitions: owned, userData: null });
      expect(() => decodeAssignment(hex('0000' + BODY + '00'))).to.throw(ProtocolError, /trailing/);
    });
  });

  describe('properties', () => {
    const topic = fc.string({ minLength: 1, maxLength: 8 });
    const partitions = fc.array(fc.record({ topic, partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }), { maxLength: 10 });
    const userData = fc.option(fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)), { nil: null });

    it('round-trips subscriptions at every version', () => {
      fc.assert(fc.property(fc.array(topic, { maxLength: 6 }), userData, partitions, fc.integer({ min: -1, max: 1000 }),
        fc.option(topic, { nil: null }), fc.integer({ min: 0, max: 3 }), (topics, data, ownedTps, generationId, rackId, version) => {
          const decoded = decodeSubscription(encodeSubscription({ topics, userData: data, ownedPartitions: ownedTps, generationId, rackId }, version));
          expect(decoded.version).to.equal(version);
          expect(decoded.topics).to.deep.equal(topics);
          expect(decoded.userData === null ? null : decoded.userData.toString('hex')).to.equal(data === null ? null : data.toString('hex'));
          expect(sortTopicPartitions(decoded.ownedPartitions)).to.deep.equal(version >= 1 ? sortTopicPartitions(ownedTps) : []);
          expect(decoded.generationId).to.equal(version >= 2 ? generationId : -1);
          expect(decoded.rackId).to.equal(version >= 3 ? rackId : null);
        }), { numRuns: 200 });
    });

    it('round-trips assignments', () => {
      fc.assert(fc.property(partitions, userData, fc.integer({ min: 0, max: 3 }), (tps, data, version) => {
        const decoded = decodeAssignment(encodeAssignment({ partitions: tps, userData: data }, version));
        expect(sortTopicPartitions(decoded.partitions)).to.deep.equal(sortTopicPartitions(tps));
        expect(decoded.userData === null ? null : decoded.userData.toString('hex')).to.equal(data === null ? null : data.toString('hex'));
      }), { numRuns: 200 });
    });

    it('turns arbitrary bytes into a value or a ProtocolError, never another exception', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        for (const decodeFn of [decodeSubscription, decodeAssignment]) {
          try {
            decodeFn(Buffer.from(raw));
          } catch (err) {
            expect(err).to.be.instanceOf(ProtocolError);
          }
        }
      }), { numRuns: 500 });
    });
  });
});
