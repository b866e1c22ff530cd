import { expect } from 'chai';
import { ProtocolError } from '../../../lib/protocol/errors';
import { KafkaOffsetCommit, KafkaOffsetDelete, KafkaOffsetFetch } from '../../../lib/protocol/kafka/messages/group-offsets';
import { decode } from '../../../lib/protocol/schema';
import {
  arr, bool, carr, cnstr, cstr, golden, i16, i32, i64, nstr, roundTripsAtEveryVersion, str, TAGS,
} from './hand-hex';

describe('protocol/kafka group offsets messages', () => {
  describe('OffsetCommit (key 8, v2-8, flexible from v8)', () => {
    it('reads and writes v2, with the retention time Kafka 2.1+ ignores', () => {
      golden(KafkaOffsetCommit, 'request', 2,
        str('g') + i32(3) + str('m1') + i64(-1) + arr(1) + str('t') + arr(1) + i32(0) + i64(42) + nstr('meta'), {
          groupId: 'g', generationId: 3, memberId: 'm1', groupInstanceId: null, retentionTimeMs: -1,
          topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'meta' }] }],
        });
      golden(KafkaOffsetCommit, 'response', 2, arr(1) + str('t') + arr(2) + i32(0) + i16(0) + i32(1) + i16(3), {
        throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 3 }] }],
      });
    });

    it('reads and writes v8, the first flexible and highest version, with leader epoch and instance id', () => {
      golden(KafkaOffsetCommit, 'request', 8,
        cstr('g') + i32(-1) + cstr('') + cnstr(null) + carr(1) + cstr('t') + carr(1) + i32(2) + i64(7) + i32(5) + cnstr(null) + TAGS + TAGS + TAGS, {
          groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
          topics: [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: 7, committedLeaderEpoch: 5, committedMetadata: null }] }],
        });
      golden(KafkaOffsetCommit, 'response', 8, i32(0) + carr(1) + cstr('t') + carr(1) + i32(2) + i16(0) + TAGS + TAGS + TAGS, {
        throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 0 }] }],
      });
    });
  });

  describe('OffsetFetch (key 9, v1-8, flexible from v6)', () => {
    it('reads and writes v1: topics required, errors per partition only', () => {
      golden(KafkaOffsetFetch, 'request', 1, str('g') + arr(1) + str('t') + arr(2) + i32(0) + i32(1), {
        groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }], groups: [], requireStable: false,
      });
      golden(KafkaOffsetFetch, 'response', 1, arr(1) + str('t') + arr(1) + i32(0) + i64(-1) + nstr('') + i16(0), {
        throttleTimeMs: 0, errorCode: 0, groups: [],
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }],
      });
    });

    it('refuses null topics in v1, where they are not nullable yet', () => {
      expect(() => decode(KafkaOffsetFetch.request, Buffer.from(str('g') + arr(-1), 'hex'), 1)).to.throw(ProtocolError);
      expect(decode(KafkaOffsetFetch.request, Buffer.from(str('g') + arr(-1), 'hex'), 2).topics).to.equal(null);
    });

    it('reads and writes v6, the first flexible version: null topics ask for all', () => {
      golden(KafkaOffsetFetch, 'request', 6, cstr('g') + carr(-1) + TAGS, { groupId: 'g', topics: null, groups: [], requireStable: false });
      golden(KafkaOffsetFetch, 'response', 6,
        i32(0) + carr(1) + cstr('t') + carr(1) + i32(3) + i64(9) + i32(4) + cnstr('m') + i16(0) + TAGS + TAGS + i16(0) + TAGS, {
          throttleTimeMs: 0, errorCode: 0, groups: [],
          topics: [{ name: 't', partitions: [{ partitionIndex: 3, committedOffset: 9, committedLeaderEpoch: 4, metadata: 'm', errorCode: 0 }] }],
        });
    });

    it('reads and writes v8, which batches groups, each with its own error', () => {
      golden(KafkaOffsetFetch, 'request', 8,
        carr(2) + cstr('g') + carr(-1) + TAGS + cstr('h') + carr(1) + cstr('t') + carr(1) + i32(0) + TAGS + TAGS + bool(true) + TAGS, {
          groupId: '', topics: null, requireStable: true,
          groups: [{ groupId: 'g', topics: null }, { groupId: 'h', topics: [{ name: 't', partitionIndexes: [0] }] }],
        });
      golden(KafkaOffsetFetch, 'response', 8,
        i32(0) + carr(2)
        + cstr('g') + carr(1) + cstr('t') + carr(1) + i32(0) + i64(5) + i32(-1) + cnstr('') + i16(0) + TAGS + TAGS + i16(0) + TAGS
        + cstr('h') + carr(0) + i16(16) + TAGS
        + TAGS, {
          throttleTimeMs: 0, topics: [], errorCode: 0,
          groups: [
            { groupId: 'g', errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }] },
            { groupId: 'h', errorCode: 16, topics: [] },
          ],
        });
    });
  });

  describe('OffsetDelete (key 47, v0 only)', () => {
    it('reads and writes v0', () => {
      golden(KafkaOffsetDelete, 'request', 0, str('g') + arr(1) + str('t') + arr(2) + i32(0) + i32(1), {
        groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }],
      });
      golden(KafkaOffsetDelete, 'response', 0, i16(0) + i32(0) + arr(1) + str('t') + arr(2) + i32(0) + i16(86) + i32(1) + i16(0), {
        errorCode: 0, throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 86 }, { partitionIndex: 1, errorCode: 0 }] }],
      });
      golden(KafkaOffsetDelete, 'response', 0, i16(69) + i32(0) + arr(0), { errorCode: 69, throttleTimeMs: 0, topics: [] });
    });
  });

  it('round-trips every served version of each message', () => {
    const topics = [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: 2, committedMetadata: 'x' }] }];
    roundTripsAtEveryVersion(KafkaOffsetCommit, 'request', { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: 'i', retentionTimeMs: 5, topics });
    roundTripsAtEveryVersion(KafkaOffsetCommit, 'response', { throttleTimeMs: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    const wanted = [{ name: 't', partitionIndexes: [0, 1] }];
    roundTripsAtEveryVersion(KafkaOffsetFetch, 'request', { groupId: 'g', topics: wanted, groups: [{ groupId: 'g', topics: wanted }], requireStable: true });
    const fetchedTopics = [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: 2, metadata: 'x', errorCode: 0 }] }];
    roundTripsAtEveryVersion(KafkaOffsetFetch, 'response', {
      throttleTimeMs: 1, topics: fetchedTopics, errorCode: 0, groups: [{ groupId: 'g', topics: fetchedTopics, errorCode: 0 }],
    });
    roundTripsAtEveryVersion(KafkaOffsetDelete, 'request', { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] });
    roundTripsAtEveryVersion(KafkaOffsetDelete, 'response', { errorCode: 0, throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
  });
});
