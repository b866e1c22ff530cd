import { KafkaTxnOffsetCommit } from '../../../lib/protocol/kafka/messages/txn-offset-commit';
import { arr, carr, cnstr, cstr, golden, i16, i32, i64, nstr, roundTripsAtEveryVersion, str, TAGS } from './hand-hex';

describe('protocol/kafka TxnOffsetCommit messages (key 28, v0-3, flexible from v3)', () => {
  it('reads and writes v0: no leader epoch, no member or generation', () => {
    golden(KafkaTxnOffsetCommit, 'request', 0,
      str('tx') + str('g') + i64(1000) + i16(2) + arr(1) + str('t') + arr(1) + i32(0) + i64(42) + nstr('m'), {
        transactionalId: 'tx', groupId: 'g', producerId: 1000, producerEpoch: 2, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
      });
    golden(KafkaTxnOffsetCommit, 'response', 0, i32(0) + arr(1) + str('t') + arr(1) + i32(0) + i16(0), {
      throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    });
  });

  it('reads and writes v2 with the committed leader epoch', () => {
    golden(KafkaTxnOffsetCommit, 'request', 2,
      str('tx') + str('g') + i64(7) + i16(0) + arr(1) + str('t') + arr(1) + i32(1) + i64(5) + i32(3) + nstr(null), {
        transactionalId: 'tx', groupId: 'g', producerId: 7, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 5, committedLeaderEpoch: 3, committedMetadata: null }] }],
      });
  });

  it('reads and writes v3, flexible, with generation, member and instance id', () => {
    golden(KafkaTxnOffsetCommit, 'request', 3,
      cstr('tx') + cstr('g') + i64(7) + i16(1) + i32(4) + cstr('m-1') + cnstr('i-1')
        + carr(1) + cstr('t') + carr(1) + i32(0) + i64(9) + i32(-1) + cnstr('') + TAGS + TAGS + TAGS, {
        transactionalId: 'tx', groupId: 'g', producerId: 7, producerEpoch: 1, generationId: 4, memberId: 'm-1', groupInstanceId: 'i-1',
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 9, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      });
    golden(KafkaTxnOffsetCommit, 'response', 3, i32(0) + carr(1) + cstr('t') + carr(1) + i32(0) + i16(22) + TAGS + TAGS + TAGS, {
      throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 22 }] }],
    });
  });

  it('round-trips at every version', () => {
    roundTripsAtEveryVersion(KafkaTxnOffsetCommit, 'request', {
      transactionalId: 'tx', groupId: 'g', producerId: 7, producerEpoch: 1, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 9, committedLeaderEpoch: -1, committedMetadata: 'x' }] }],
    });
  });
});
