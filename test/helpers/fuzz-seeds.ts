/**
 * Seeds for request fuzzing: one well-formed request for every API the broker serves, encoded with
 * a writer that remembers where each fixed-size value and each length prefix sits, so a mutator
 * can rewrite exactly "a field" or "a length" instead of only random bytes.
 *
 * Shared by test/integration/fuzz-requests.test.ts (a few hundred frames) and bench/fuzz.ts
 * (`npm run fuzz`, a million frames against a broker process).
 */
import { allApis, Api, AnyApiDef } from '../../lib/protocol/api';
import { Writer } from '../../lib/protocol/writer';
import { encodeRecordBatch } from '../../lib/record/record-batch';

/** Where a field sits in a frame (offsets count the 4-byte size prefix) and how wide it is. */
export interface FieldSlot {
  at: number;
  size: 1 | 2 | 4 | 8;
}

export interface SeedFrame {
  readonly apiKey: number;
  readonly name: string;
  /** The whole frame, size prefix included. */
  readonly bytes: Buffer;
  /** Fixed-size values (ints, booleans), header fields included. */
  readonly values: readonly FieldSlot[];
  /** Length prefixes of strings, byte fields and arrays (int16 or int32). */
  readonly lengths: readonly FieldSlot[];
  /** Position and size of the RecordBatch inside a Produce frame. */
  readonly batch: { at: number; size: number } | null;
}

/** Topic and group names the seeds use; a test or run should create `topic` with at least 2 partitions. */
export interface SeedNames {
  topic: string;
  group: string;
}

/**
 * A Writer that records field positions. Lengths are written through the same int writers, so a
 * depth counter keeps a string's length prefix from also being recorded as a plain value.
 */
export class SlotRecordingWriter extends Writer {
  readonly values: FieldSlot[] = [];
  readonly lengths: FieldSlot[] = [];
  protected inLength = 0;

  protected value(size: FieldSlot['size']): void {
    if (this.inLength === 0) this.values.push({ at: this.length, size });
  }

  protected lengthPrefix<T>(size: 2 | 4, write: () => T): T {
    this.lengths.push({ at: this.length, size });
    this.inLength++;
    try {
      return write();
    } finally {
      this.inLength--;
    }
  }

  override writeInt8(v: number): this { this.value(1); return super.writeInt8(v); }
  override writeInt16(v: number): this { this.value(2); return super.writeInt16(v); }
  override writeInt32(v: number): this { this.value(4); return super.writeInt32(v); }
  override writeInt64(v: number): this { this.value(8); return super.writeInt64(v); }
  override writeBigInt64(v: bigint): this { this.value(8); return super.writeBigInt64(v); }
  override writeNullableString(v: string | null): this { return this.lengthPrefix(2, () => super.writeNullableString(v)); }
  override writeNullableBytes(v: Buffer | null): this { return this.lengthPrefix(4, () => super.writeNullableBytes(v)); }
  override writeArrayLength(n: number | null): this { return this.lengthPrefix(4, () => super.writeArrayLength(n)); }
}

function encodeSeed(api: AnyApiDef, body: unknown, batch: Buffer | null): SeedFrame {
  const w = new SlotRecordingWriter(512);
  w.writeInt16(api.key).writeInt16(0).writeInt32(0).writeNullableString('fuzz');
  api.request.write(w, body, 0);
  const payload = w.toBuffer();
  const bytes = Buffer.alloc(4 + payload.length);
  bytes.writeInt32BE(payload.length, 0);
  payload.copy(bytes, 4);
  const shift = (s: FieldSlot): FieldSlot => ({ at: s.at + 4, size: s.size });
  const batchAt = batch ? bytes.indexOf(batch) : -1;
  return {
    apiKey: api.key,
    name: api.name,
    bytes,
    values: w.values.map(shift),
    lengths: w.lengths.map(shift),
    batch: batchAt >= 0 && batch ? { at: batchAt, size: batch.length } : null,
  };
}

/**
 * Request bodies, one per API key. Controller-only requests carry broker epoch 0, which is older
 * than any registration's czxid, so the broker decodes them fully and then refuses them as stale
 * (see FrameMutator for why that gate stays shut).
 */
function seedBodies({ topic, group }: SeedNames, records: Buffer): Map<number, unknown> {
  const partitionState = {
    topicName: `${topic}-ctl`, partitionIndex: 0, controllerEpoch: 0, leader: 1, leaderEpoch: 0, isr: [1], zkVersion: 0, replicas: [1], isNew: false,
  };
  const liveBroker = { id: 1, host: '127.0.0.1', port: 9, rack: null };
  const bodies: Array<[AnyApiDef, unknown]> = [
    [Api.Produce, { transactionalId: null, acks: 1, timeoutMs: 1000, topics: [{ name: topic, partitions: [{ index: 0, records }] }] }],
    [Api.Fetch, { replicaId: -1, maxWaitMs: 10, minBytes: 0, maxBytes: 65536, isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 65536 }] }] }],
    [Api.ListOffsets, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1 }] }] }],
    [Api.Metadata, { topics: [topic], allowAutoTopicCreation: false }],
    [Api.DeleteRecords, { topics: [{ name: topic, partitions: [{ partitionIndex: 1, offset: 0 }] }], timeoutMs: 1000 }],
    [Api.LeaderAndIsr, { controllerId: 1, controllerEpoch: 0, brokerEpoch: 0, partitionStates: [partitionState], liveLeaders: [liveBroker] }],
    [Api.StopReplica, { controllerId: 1, controllerEpoch: 0, brokerEpoch: 0, deletePartitions: false, partitions: [{ topicName: `${topic}-ctl`, partitionIndex: 0 }] }],
    [Api.UpdateMetadata, { controllerId: 1, controllerEpoch: 0, brokerEpoch: 0, clusterId: 'fuzz', partitionStates: [partitionState], liveBrokers: [liveBroker] }],
    [Api.ControlledShutdown, { brokerId: 1000, brokerEpoch: 0 }],
    [Api.OffsetCommit, { groupId: group, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }] }] }],
    [Api.OffsetFetch, { groupId: group, topics: [{ name: topic, partitionIndexes: [0, 1] }] }],
    [Api.FindCoordinator, { key: group, keyType: 0 }],
    [Api.JoinGroup, { groupId: `${group}-join`, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 1000, memberId: '', groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('0001000000010004667a7a7a', 'hex') }] }],
    [Api.Heartbeat, { groupId: group, generationId: 1, memberId: 'member-1', groupInstanceId: null }],
    [Api.LeaveGroup, { groupId: group, members: [{ memberId: 'member-1', groupInstanceId: null }] }],
    [Api.SyncGroup, { groupId: group, generationId: 1, memberId: 'member-1', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
      assignments: [{ memberId: 'member-1', assignment: Buffer.from('00000000000100000000', 'hex') }] }],
    [Api.DescribeGroups, { groups: [group] }],
    [Api.ListGroups, { statesFilter: [] }],
    [Api.ApiVersions, {}],
    [Api.SaslHandshake, { mechanism: 'PLAIN' }],
    [Api.SaslAuthenticate, { authBytes: Buffer.from('\u0000user\u0000password') }],
    [Api.CreateTopics, { topics: [{ name: `${topic}-new`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }],
      timeoutMs: 0, validateOnly: true }],
    [Api.DeleteTopics, { topicNames: [`${topic}-gone`], timeoutMs: 0 }],
    [Api.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60000 }],
    [Api.AddPartitionsToTxn, { transactionalId: 'fuzz-tx', producerId: 1, producerEpoch: 0, topics: [{ name: topic, partitions: [0] }] }],
    [Api.AddOffsetsToTxn, { transactionalId: 'fuzz-tx', producerId: 1, producerEpoch: 0, groupId: group }],
    [Api.EndTxn, { transactionalId: 'fuzz-tx', producerId: 1, producerEpoch: 0, committed: true }],
    [Api.DescribeTransactions, { transactionalIds: ['fuzz-tx'] }],
    [Api.ListTransactions, { stateFilters: ['Ongoing'], producerIdFilters: [1] }],
    [Api.OffsetForLeaderEpoch, { replicaId: -1, topics: [{ name: topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }],
    [Api.DescribeConfigs, { resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }] }],
    [Api.AlterConfigs, { resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true }],
    [Api.IncrementalAlterConfigs, { resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '1000' }] }], validateOnly: true }],
    [Api.CreatePartitions, { topics: [{ name: topic, count: 3, assignments: null }], timeoutMs: 0, validateOnly: true }],
    [Api.DeleteGroups, { groupsNames: [`${group}-gone`] }],
    [Api.ElectLeaders, { electionType: 0, topicPartitions: [{ topic, partitions: [0] }], timeoutMs: 1000 }],
    [Api.AlterPartitionReassignments, { timeoutMs: 1000, topics: [{ name: topic, partitions: [{ partitionIndex: 0, replicas: null }] }] }],
    [Api.ListPartitionReassignments, { timeoutMs: 1000, topics: null }],
    [Api.OffsetDelete, { groupId: group, topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] }],
    [Api.TxnOffsetCommit, { transactionalId: `${group}-txn`, groupId: group, producerId: 1000, producerEpoch: 0, generationId: -1, memberId: '',
      groupInstanceId: null, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }] }],
    [Api.DescribeAcls, { resourceTypeFilter: 2, resourceNameFilter: topic, patternTypeFilter: 2, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }],
    [Api.CreateAcls, { creations: [{ resourceType: 2, resourceName: `${topic}-acl`, resourcePatternType: 3, principal: 'User:fuzz', host: '*', operation: 3, permissionType: 3 }] }],
    [Api.DeleteAcls, { filters: [{ resourceTypeFilter: 2, resourceNameFilter: `${topic}-acl`, patternTypeFilter: 3, principalFilter: 'User:fuzz', hostFilter: null, operation: 1, permissionType: 1 }] }],
    [Api.DescribeUserScramCredentials, { users: [{ name: `${topic}-user` }] }],
    [Api.AlterUserScramCredentials, { deletions: [{ name: `${topic}-user`, mechanism: 1 }], upsertions: [] }],
    [Api.DescribeLogDirs, { topics: [{ topic, partitionIndex: [0] }] }],
    [Api.AlterReplicaLogDirs, { dirs: [{ path: '/nonexistent-log-dir', topics: [{ name: topic, partitions: [0] }] }] }],
    [Api.DescribeClientQuotas, { components: [{ entityType: 'client-id', matchType: 0, match: `${topic}-client` }], strict: false }],
    [Api.AlterClientQuotas, { entries: [{ entity: [{ entityType: 'client-id', entityName: `${topic}-client` }], ops: [{ key: 'producer_byte_rate', value: 1048576, remove: false }] }], validateOnly: true }],
    [Api.WriteTxnMarkers, { markers: [{ producerId: 7, producerEpoch: 0, transactionResult: false, topics: [{ name: topic, partitionIndexes: [0] }], coordinatorEpoch: 0 }] }],
    [Api.DescribeProducers, { topics: [{ name: topic, partitionIndexes: [0] }] }],
  ];
  return new Map(bodies.map(([api, body]) => [api.key, body]));
}

/** One seed frame per API in the protocol table; throws if an API has no seed, so new APIs get fuzzed too. */
export function buildSeedFrames(names: SeedNames): SeedFrame[] {
  const records = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] }], {});
  const bodies = seedBodies(names, records);
  return allApis().map((api) => {
    if (!bodies.has(api.key)) throw new Error(`no fuzz seed for ${api.name} (key ${api.key}); add one to test/helpers/fuzz-seeds.ts`);
    return encodeSeed(api, bodies.get(api.key), api.key === Api.Produce.key ? records : null);
  });
}
