import { expect } from 'chai';
import fc from 'fast-check';
import { ProtocolError } from '../../lib/protocol/errors';
import {
  decodeGroupMetadataValue, decodeOffsetCommitValue, decodeOffsetsRecord, decodeOffsetsRecordKey,
  encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue,
  GroupMetadataValue,
} from '../../lib/group/offsets-records';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Fixtures written field by field from GroupMetadataManager's schemas, not from our encoder.
const OFFSET_KEY_V1 = hex('0001' + '0001 67' + '0001 74' + '00000003'); // version 1, group "g", topic "t", partition 3
const OFFSET_KEY_V0 = hex('0000' + '0002 6731' + '0002 7432' + '00000000'); // version 0, "g1", "t2", 0
const GROUP_KEY_V2 = hex('0002' + '0005 6772 6f75 70'); // version 2, "group"
const OFFSET_VALUE_V3 = hex(
  '0003' + '000000000000002a' + '00000005' + '0002 6d64' + '00000191 3f6a0c00', // offset 42, epoch 5, "md", ts
);
const COMMIT_TS = 0x191_3f6a0c00;
const GROUP_VALUE_V3 = hex(
  '0003' +
  '0008 636f6e73756d6572' + // protocol_type "consumer"
  '00000001' + // generation 1
  '0005 72616e6765' + // protocol "range"
  '0002 6d31' + // leader "m1"
  '00000000000003e8' + // current_state_timestamp 1000
  '00000001' + // one member
  '0002 6d31' + 'ffff' + '0001 63' + '0002 2f68' + // member_id "m1", group_instance_id null, client_id "c", client_host "/h"
  '000493e0' + '00002710' + // rebalance_timeout 300000, session_timeout 10000
  '00000002 0102' + '00000000', // subscription 0x0102, assignment empty
);

const GROUP_VALUE: GroupMetadataValue = {
  protocolType: 'consumer', generation: 1, protocol: 'range', leader: 'm1', currentStateTimestamp: 1000,
  members: [{
    memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeout: 300000,
    sessionTimeout: 10000, subscription: hex('0102'), assignment: Buffer.alloc(0),
  }],
};

describe('group/offsets-records', () => {
  describe('keys', () => {
    it('encodes an offset commit key as version 1 (group, topic, partition)', () => {
      expect(encodeOffsetCommitKey('g', 't', 3).toString('hex')).to.equal(OFFSET_KEY_V1.toString('hex'));
      expect(decodeOffsetsRecordKey(OFFSET_KEY_V1)).to.deep.equal({ type: 'offset', version: 1, group: 'g', topic: 't', partition: 3 });
    });

    it('reads a version 0 offset commit key, which has the same layout', () => {
      expect(decodeOffsetsRecordKey(OFFSET_KEY_V0)).to.deep.equal({ type: 'offset', version: 0, group: 'g1', topic: 't2', partition: 0 });
    });

    it('encodes a group metadata key as version 2 (group)', () => {
      expect(encodeGroupMetadataKey('group').toString('hex')).to.equal(GROUP_KEY_V2.toString('hex'));
      expect(decodeOffsetsRecordKey(GROUP_KEY_V2)).to.deep.equal({ type: 'group', version: 2, group: 'group' });
    });

    it('rejects unknown key versions, truncated keys and trailing bytes', () => {
      expect(() => decodeOffsetsRecordKey(hex('0003 0001 67'))).to.throw(ProtocolError, /key version 3/);
      expect(() => decodeOffsetsRecordKey(hex('0001 0001 67 0001'))).to.throw(ProtocolError);
      expect(() => decodeOffsetsRecordKey(Buffer.concat([GROUP_KEY_V2, hex('00')]))).to.throw(ProtocolError, /trailing/);
      expect(() => decodeOffsetsRecordKey(Buffer.alloc(0))).to.throw(ProtocolError);
    });
  });

  describe('offset commit values', () => {
    it('encodes version 3 (offset, leader epoch, metadata, commit timestamp)', () => {
      const bytes = encodeOffsetCommitValue({ offset: 42, leaderEpoch: 5, metadata: 'md', commitTimestamp: COMMIT_TS });
      expect(bytes.toString('hex')).to.equal(OFFSET_VALUE_V3.toString('hex'));
      expect(decodeOffsetCommitValue(OFFSET_VALUE_V3)).to.deep.equal({
        offset: 42, leaderEpoch: 5, metadata: 'md', commitTimestamp: COMMIT_TS, expireTimestamp: -1,
      });
    });

    it('reads versions 0, 1 and 2 with no leader epoch', () => {
      const v0 = hex('0000' + '0000000000000007' + '0000' + '0000000000000064'); // offset 7, "", timestamp 100
      const v1 = hex('0001' + '0000000000000007' + '0001 78' + '0000000000000064' + '00000000000000c8'); // + expire 200
      const v2 = hex('0002' + '0000000000000007' + '0000' + '0000000000000064');
      expect(decodeOffsetCommitValue(v0)).to.deep.equal({ offset: 7, leaderEpoch: -1, metadata: '', commitTimestamp: 100, expireTimestamp: -1 });
      expect(decodeOffsetCommitValue(v1)).to.deep.equal({ offset: 7, leaderEpoch: -1, metadata: 'x', commitTimestamp: 100, expireTimestamp: 200 });
      expect(decodeOffsetCommitValue(v2)).to.deep.equal({ offset: 7, leaderEpoch: -1, metadata: '', commitTimestamp: 100, expireTimestamp: -1 });
    });

    it('treats a null value as a tombstone', () => {
      expect(decodeOffsetCommitValue(null)).to.equal(null);
    });

    it('rejects unknown versions and truncated values', () => {
      expect(() => decodeOffsetCommitValue(hex('0004' + '0000000000000007'))).to.throw(ProtocolError, /version 4/);
      expect(() => decodeOffsetCommitValue(OFFSET_VALUE_V3.subarray(0, 12))).to.throw(ProtocolError);
    });

    it('round-trips arbitrary values', () => {
      fc.assert(fc.property(
        fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        fc.string({ maxLength: 40 }), fc.integer({ min: -1, max: 2 ** 45 }),
        (offset, leaderEpoch, metadata, commitTimestamp) => {
          const v = { offset, leaderEpoch, metadata, commitTimestamp };
          expect(decodeOffsetCommitValue(encodeOffsetCommitValue(v))).to.deep.equal({ ...v, expireTimestamp: -1 });
        },
      ), { numRuns: 200 });
    });
  });

  describe('group metadata values', () => {
    it('encodes version 3 with members, group instance ids and the state timestamp', () => {
      expect(encodeGroupMetadataValue(GROUP_VALUE).toString('hex')).to.equal(GROUP_VALUE_V3.toString('hex'));
      expect(decodeGroupMetadataValue(GROUP_VALUE_V3)).to.deep.equal(GROUP_VALUE);
    });

    it('encodes an empty group with no protocol or leader as nulls', () => {
      const empty: GroupMetadataValue = { protocolType: 'consumer', generation: 4, protocol: null, leader: null, currentStateTimestamp: 5, members: [] };
      const expected = hex('0003' + '0008 636f6e73756d6572' + '00000004' + 'ffff' + 'ffff' + '0000000000000005' + '00000000');
      expect(encodeGroupMetadataValue(empty).toString('hex')).to.equal(expected.toString('hex'));
      expect(decodeGroupMetadataValue(expected)).to.deep.equal(empty);
    });

    it('reads version 0, taking the rebalance timeout from the session timeout', () => {
      const v0 = hex(
        '0000' + '0008 636f6e73756d6572' + '00000002' + '0002 7272' + '0001 61' + '00000001' +
        '0001 61' + '0001 63' + '0001 68' + '00001388' + '00000001 aa' + '00000001 bb', // "a","c","h", session 5000
      );
      expect(decodeGroupMetadataValue(v0)).to.deep.equal({
        protocolType: 'consumer', generation: 2, protocol: 'rr', leader: 'a', currentStateTimestamp: -1,
        members: [{ memberId: 'a', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeout: 5000, sessionTimeout: 5000, subscription: hex('aa'), assignment: hex('bb') }],
      });
    });

    it('reads version 2, which has the state timestamp but no group instance id', () => {
      const v2 = hex(
        '0002' + '0000' + '00000009' + 'ffff' + 'ffff' + '0000000000000010' + '00000001' +
        '0001 61' + '0001 63' + '0001 68' + '00000064' + '00000032' + '00000000' + '00000000',
      );
      const value = decodeGroupMetadataValue(v2);
      expect(value).to.deep.equal({
        protocolType: '', generation: 9, protocol: null, leader: null, currentStateTimestamp: 16,
        members: [{ memberId: 'a', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeout: 100, sessionTimeout: 50, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) }],
      });
    });

    it('copies member bytes so a loaded group does not alias the log buffer', () => {
      const buf = Buffer.from(GROUP_VALUE_V3);
      const value = decodeGroupMetadataValue(buf)!;
      buf.fill(0);
      expect(value.members[0].subscription.toString('hex')).to.equal('0102');
    });

    it('treats a null value as a tombstone and rejects unknown versions', () => {
      expect(decodeGroupMetadataValue(null)).to.equal(null);
      expect(() => decodeGroupMetadataValue(hex('0004'))).to.throw(ProtocolError, /version 4/);
      expect(() => decodeGroupMetadataValue(GROUP_VALUE_V3.subarray(0, GROUP_VALUE_V3.length - 1))).to.throw(ProtocolError);
    });
  });

  describe('decodeOffsetsRecord', () => {
    it('pairs a key with the value type its version implies', () => {
      const offset = decodeOffsetsRecord(OFFSET_KEY_V1, OFFSET_VALUE_V3);
      expect(offset.key.type).to.equal('offset');
      expect(offset.value).to.deep.include({ offset: 42 });
      const group = decodeOffsetsRecord(GROUP_KEY_V2, GROUP_VALUE_V3);
      expect(group.key.type).to.equal('group');
      expect(group.value).to.deep.include({ generation: 1, leader: 'm1' });
    });

    it('keeps tombstones as null values for both kinds of key', () => {
      expect(decodeOffsetsRecord(OFFSET_KEY_V1, null)).to.deep.equal({ key: decodeOffsetsRecordKey(OFFSET_KEY_V1), value: null });
      expect(decodeOffsetsRecord(GROUP_KEY_V2, null).value).to.equal(null);
    });
  });
});
