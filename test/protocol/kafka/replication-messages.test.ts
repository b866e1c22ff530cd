import { KafkaInitProducerId } from '../../../lib/protocol/kafka/messages/producer-id';
import {
  KafkaAlterPartitionReassignments, KafkaElectLeaders, KafkaListPartitionReassignments, KafkaOffsetForLeaderEpoch,
} from '../../../lib/protocol/kafka/messages/replication';
import { expectGolden, expectRoundTrips } from './golden';

/** Bytes below are written from Kafka's InitProducerId, OffsetForLeaderEpoch, ElectLeaders and reassignment specs. */
describe('protocol/kafka producer-id and replication messages', () => {
  describe('InitProducerId (v0-4, flexible from v2)', () => {
    it('reads and writes v0: a null transactional id and the timeout', () => {
      expectGolden(KafkaInitProducerId, 'request', 0, 'ffff 0000ea60', { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      expectGolden(KafkaInitProducerId, 'response', 0, '00000000 0000 00000000000003e8 0000',
        { throttleTimeMs: 0, errorCode: 0, producerId: 1000, producerEpoch: 0 });
    });

    it('reads and writes v2: a compact transactional id and tagged-field sections', () => {
      expectGolden(KafkaInitProducerId, 'request', 2, '03 7478 0000ea60 00', { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      expectGolden(KafkaInitProducerId, 'response', 2, '00000000 0010 ffffffffffffffff ffff 00',
        { throttleTimeMs: 0, errorCode: 16, producerId: -1, producerEpoch: -1 });
    });

    it('reads and writes v4: the current producer id and epoch (KIP-360)', () => {
      expectGolden(KafkaInitProducerId, 'request', 4, '00 7fffffff 0000000000000005 0002 00',
        { transactionalId: null, transactionTimeoutMs: 2147483647, producerId: 5, producerEpoch: 2 });
      expectGolden(KafkaInitProducerId, 'response', 4, '00000000 0000 0000000000000006 0000 00',
        { throttleTimeMs: 0, errorCode: 0, producerId: 6, producerEpoch: 0 });
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaInitProducerId, { transactionalId: null, transactionTimeoutMs: 1, producerId: 7, producerEpoch: 1 },
        { throttleTimeMs: 0, errorCode: 0, producerId: 9007199254740991, producerEpoch: 32767 });
    });
  });

  describe('OffsetForLeaderEpoch (v0-4, flexible from v4)', () => {
    const partition = { errorCode: 0, partition: 0, leaderEpoch: 2, endOffset: 42 };

    it('reads and writes v0: no replica id, no current leader epoch, no leader epoch in the answer', () => {
      expectGolden(KafkaOffsetForLeaderEpoch, 'request', 0, '00000001 0001 74 00000001 00000000 00000002',
        { replicaId: -2, topics: [{ name: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 2 }] }] });
      expectGolden(KafkaOffsetForLeaderEpoch, 'response', 0, '00000001 0001 74 00000001 0000 00000000 000000000000002a',
        { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ ...partition, leaderEpoch: -1 }] }] });
    });

    it('reads and writes v3: the replica id and the current leader epoch', () => {
      expectGolden(KafkaOffsetForLeaderEpoch, 'request', 3, 'ffffffff 00000001 0001 74 00000001 00000000 00000003 00000002',
        { replicaId: -1, topics: [{ name: 't', partitions: [{ partition: 0, currentLeaderEpoch: 3, leaderEpoch: 2 }] }] });
      expectGolden(KafkaOffsetForLeaderEpoch, 'response', 3, '00000000 00000001 0001 74 00000001 0000 00000000 00000002 000000000000002a',
        { throttleTimeMs: 0, topics: [{ name: 't', partitions: [partition] }] });
    });

    it('reads and writes v4 with compact encodings', () => {
      expectGolden(KafkaOffsetForLeaderEpoch, 'request', 4, 'ffffffff 02 0274 02 00000000 00000003 00000002 00 00 00',
        { replicaId: -1, topics: [{ name: 't', partitions: [{ partition: 0, currentLeaderEpoch: 3, leaderEpoch: 2 }] }] });
      expectGolden(KafkaOffsetForLeaderEpoch, 'response', 4, '00000000 02 0274 02 0000 00000000 00000002 000000000000002a 00 00 00',
        { throttleTimeMs: 0, topics: [{ name: 't', partitions: [partition] }] });
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaOffsetForLeaderEpoch, { replicaId: -1, topics: [{ name: 't', partitions: [{ partition: 1, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] },
        { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ errorCode: 74, partition: 1, leaderEpoch: -1, endOffset: -1 }] }] });
    });
  });

  describe('ElectLeaders (v0-2, flexible from v2)', () => {
    it('reads and writes v0: preferred elections only, no top-level error code', () => {
      expectGolden(KafkaElectLeaders, 'request', 0, '00000001 0001 74 00000001 00000000 00007530',
        { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 30000 });
      expectGolden(KafkaElectLeaders, 'response', 0, '00000000 00000001 0001 74 00000001 00000000 0054 ffff',
        { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: 84, errorMessage: null }] }] });
    });

    it('reads and writes v1: the election type, every partition as null, and the top-level error code', () => {
      expectGolden(KafkaElectLeaders, 'request', 1, '01 ffffffff 00007530', { electionType: 1, topicPartitions: null, timeoutMs: 30000 });
      expectGolden(KafkaElectLeaders, 'response', 1, '00000000 0029 00000000', { throttleTimeMs: 0, errorCode: 41, replicaElectionResults: [] });
    });

    it('reads and writes v2 with compact encodings', () => {
      expectGolden(KafkaElectLeaders, 'request', 2, '00 02 0274 02 00000000 00 00007530 00',
        { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 30000 });
      expectGolden(KafkaElectLeaders, 'response', 2, '00000000 0000 02 0274 02 00000000 0050 0278 00 00 00',
        { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: 80, errorMessage: 'x' }] }] });
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaElectLeaders, { electionType: 0, topicPartitions: null, timeoutMs: 1 },
        { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 3, errorCode: 0, errorMessage: null }] }] });
    });
  });

  describe('AlterPartitionReassignments and ListPartitionReassignments (v0, flexible)', () => {
    it('reads and writes an AlterPartitionReassignments request with a cancellation, and its response', () => {
      expectGolden(KafkaAlterPartitionReassignments, 'request', 0, '00007530 02 0274 03 00000000 02 00000001 00 00000001 00 00 00 00',
        { timeoutMs: 30000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1] }, { partitionIndex: 1, replicas: null }] }] });
      expectGolden(KafkaAlterPartitionReassignments, 'response', 0, '00000000 0000 00 02 0274 02 00000000 0000 00 00 00 00', {
        throttleTimeMs: 0, errorCode: 0, errorMessage: null,
        responses: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }],
      });
    });

    it('reads and writes a ListPartitionReassignments request for everything, and its response', () => {
      expectGolden(KafkaListPartitionReassignments, 'request', 0, '00007530 00 00', { timeoutMs: 30000, topics: null });
      expectGolden(KafkaListPartitionReassignments, 'response', 0, '00000000 0000 00 02 0274 02 00000000 03 00000001 00000002 02 00000002 01 00 00 00', {
        throttleTimeMs: 0, errorCode: 0, errorMessage: null,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1, 2], addingReplicas: [2], removingReplicas: [] }] }],
      });
    });
  });
});
