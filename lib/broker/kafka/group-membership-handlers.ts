/**
 * Kafka's JoinGroup, SyncGroup, Heartbeat and LeaveGroup over the native handlers, with Kafka's
 * per-version rules the native protocol (always the newest semantics) does not have:
 * - JoinGroup v0-3 clients do not know MEMBER_ID_REQUIRED (KIP-394): the adapter completes the
 *   handshake for them by rejoining at once with the id the coordinator handed out, which is
 *   what Kafka's coordinator does for those versions (it adds the member directly).
 * - JoinGroup v0 has no rebalance timeout: the session timeout stands in for it, as in Kafka.
 * - protocolName is not nullable before JoinGroup v7: an error answer carries "" instead.
 * - LeaveGroup v0-2 name one member and answer its error at the top level.
 * groupInstanceId (JoinGroup v5+, SyncGroup/Heartbeat v3+, LeaveGroup v3+) passes through to the
 * coordinator's static membership (KIP-345); older versions carry null, i.e. a dynamic member.
 */
import { Api } from '../../protocol/api';
import { ErrorCode } from '../../protocol/errors';
import {
  KafkaHeartbeat, KafkaJoinGroup, KafkaJoinGroupResponseData, KafkaLeaveGroup, KafkaSyncGroup,
} from '../../protocol/kafka/messages/group-membership';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

/** JoinGroup's first version with the MEMBER_ID_REQUIRED handshake. */
const MEMBER_ID_REQUIRED_FROM = 4;
/** JoinGroup's first version where protocolName may be null. */
const NULLABLE_PROTOCOL_NAME_FROM = 7;
/** LeaveGroup's first version with batched members and per-member errors. */
const BATCHED_LEAVE_FROM = 3;

const EMPTY = Buffer.alloc(0);

function joinError(memberId: string, errorCode: number, version: number): KafkaJoinGroupResponseData {
  return {
    throttleTimeMs: 0, errorCode, generationId: -1, protocolType: null,
    protocolName: version >= NULLABLE_PROTOCOL_NAME_FROM ? null : '',
    leader: '', skipAssignment: false, memberId, members: [],
  };
}

export function registerMembershipApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const join = nativeHandler(native, Api.JoinGroup);
  const sync = nativeHandler(native, Api.SyncGroup);
  const heartbeat = nativeHandler(native, Api.Heartbeat);
  const leave = nativeHandler(native, Api.LeaveGroup);

  kafka
    .register(KafkaJoinGroup, async (req, ctx) => {
      const version = ctx.header.apiVersion;
      const nativeReq = {
        groupId: req.groupId,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: version === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        protocolType: req.protocolType,
        protocols: req.protocols,
      };
      let answer = await callNative(join, nativeReq, ctx);
      if (version < MEMBER_ID_REQUIRED_FROM && req.memberId === '' && answer.errorCode === ErrorCode.MEMBER_ID_REQUIRED.code) {
        answer = await callNative(join, { ...nativeReq, memberId: answer.memberId }, ctx);
      }
      const protocolName = answer.protocolName ?? (version >= NULLABLE_PROTOCOL_NAME_FROM ? null : '');
      return { ...answer, protocolName, skipAssignment: false };
    }, (req, errorCode, version) => joinError(req.memberId, errorCode, version))
    .register(KafkaSyncGroup, (req, ctx) => callNative(sync, {
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      protocolType: req.protocolType,
      protocolName: req.protocolName,
      assignments: req.assignments,
    }, ctx), (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY }))
    .register(KafkaHeartbeat, (req, ctx) => callNative(heartbeat, req, ctx), (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }))
    .register(KafkaLeaveGroup, async (req, ctx) => {
      const batched = ctx.header.apiVersion >= BATCHED_LEAVE_FROM;
      const members = batched
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
        : [{ memberId: req.memberId, groupInstanceId: null }];
      const answer = await callNative(leave, { groupId: req.groupId, members }, ctx);
      if (batched) return answer;
      // Kafka's LeaveGroupResponse for v0-2: the group's error, else the (one) member's.
      const errorCode = answer.errorCode !== ErrorCode.NONE.code ? answer.errorCode : (answer.members[0]?.errorCode ?? ErrorCode.NONE.code);
      return { throttleTimeMs: 0, errorCode, members: [] };
    }, (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, members: [] }));
}
