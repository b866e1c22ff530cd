import { expect } from 'chai';
import { ApiDispatcher } from '../../../lib/broker/api-dispatcher';
import { registerGroupApis } from '../../../lib/broker/kafka/group-handlers';
import { KafkaDispatcher } from '../../../lib/broker/kafka/kafka-dispatcher';
import { Api } from '../../../lib/protocol/api';
import { AnyKafkaApiDef, isFlexible } from '../../../lib/protocol/kafka/kafka-api';
import { KafkaDeleteGroups, KafkaDescribeGroups, KafkaListGroups } from '../../../lib/protocol/kafka/messages/group-admin';
import {
  KafkaFindCoordinator, KafkaHeartbeat, KafkaJoinGroup, KafkaLeaveGroup, KafkaSyncGroup,
} from '../../../lib/protocol/kafka/messages/group-membership';
import { KafkaOffsetCommit, KafkaOffsetDelete, KafkaOffsetFetch } from '../../../lib/protocol/kafka/messages/group-offsets';
import { decode, encode } from '../../../lib/protocol/schema';

const CODE = 15;
const wanted = [{ name: 't', partitionIndexes: [0, 1] }];

/** A request for each API, with every item that can carry an error (what a client could send at any version). */
const REQUESTS: Array<[AnyKafkaApiDef, unknown]> = [
  [KafkaFindCoordinator, { key: 'g', keyType: 0, coordinatorKeys: ['g', 'h'] }],
  [KafkaJoinGroup, { groupId: 'g', sessionTimeoutMs: 1, rebalanceTimeoutMs: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocols: [], reason: null }],
  [KafkaSyncGroup, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }],
  [KafkaHeartbeat, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }],
  [KafkaLeaveGroup, { groupId: 'g', memberId: 'm', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] }],
  [KafkaOffsetCommit, {
    groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, retentionTimeMs: -1,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }],
  }],
  [KafkaOffsetFetch, { groupId: 'g', topics: wanted, groups: [{ groupId: 'g', topics: wanted }, { groupId: 'h', topics: null }], requireStable: false }],
  [KafkaOffsetDelete, { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] }],
  [KafkaDescribeGroups, { groups: ['g', 'h'], includeAuthorizedOperations: false }],
  [KafkaListGroups, { statesFilter: [] }],
  [KafkaDeleteGroups, { groupsNames: ['g', 'h'] }],
];

/** Every errorCode in a decoded response, wherever it sits. */
function errorCodes(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(errorCodes);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === 'errorCode' && typeof v === 'number' ? [v] : errorCodes(v)));
}

describe('broker/kafka group APIs: answers for a handler that failed as a whole', () => {
  const native = new ApiDispatcher();
  const failing = () => { throw new Error('not used'); };
  for (const api of [Api.FindCoordinator, Api.JoinGroup, Api.SyncGroup, Api.Heartbeat, Api.LeaveGroup, Api.OffsetCommit, Api.OffsetFetch,
    Api.DescribeGroups, Api.ListGroups, Api.DeleteGroups, Api.OffsetDelete]) native.register(api as typeof Api.Heartbeat, failing);
  const kafka = new KafkaDispatcher();
  registerGroupApis(kafka, native);

  for (const [api, request] of REQUESTS) {
    it(`answers ${api.name} at every served version with the error in every item that can carry one`, () => {
      const errorResponse = kafka.lookup(api.key)?.errorResponse;
      expect(errorResponse, `${api.name} has an error response`).to.be.a('function');
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        const flexible = isFlexible(api, v);
        const req = decode(api.request, encode(api.request, request, v, flexible), v, 0, flexible);
        const bytes = encode(api.response, errorResponse!(req, CODE, v), v, flexible);
        const codes = errorCodes(decode(api.response, bytes, v, 0, flexible));
        expect(codes.length, `${api.name} v${v} carries an error`).to.be.greaterThan(0);
        // FindCoordinator v4 and OffsetFetch v8 keep a 0 in fields those versions do not send; the rest is the error.
        expect(codes.filter((c) => c !== 0).length, `${api.name} v${v}`).to.be.greaterThan(0);
        expect(codes.every((c) => c === CODE || c === 0), `${api.name} v${v}: ${codes}`).to.equal(true);
      }
    });
  }

  it('puts the error on each requested partition for OffsetFetch v1 and on each group for v8', () => {
    const errorResponse = kafka.lookup(KafkaOffsetFetch.key)!.errorResponse!;
    const v1 = errorResponse({ groupId: 'g', topics: wanted, groups: [], requireStable: false }, CODE, 1) as { topics: Array<{ partitions: Array<{ errorCode: number }> }> };
    expect(v1.topics[0].partitions.map((p) => p.errorCode)).to.deep.equal([CODE, CODE]);
    const v8 = errorResponse({ groupId: '', topics: null, groups: [{ groupId: 'g', topics: null }, { groupId: 'h', topics: wanted }], requireStable: false }, CODE, 8) as { groups: Array<{ groupId: string; errorCode: number }> };
    expect(v8.groups).to.deep.equal([{ groupId: 'g', topics: [], errorCode: CODE }, { groupId: 'h', topics: [], errorCode: CODE }]);
  });
});
