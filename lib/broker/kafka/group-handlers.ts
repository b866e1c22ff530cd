/**
 * Kafka's consumer-group APIs on the Kafka listener, over Samsa's native group handlers (the
 * same coordinator serves both listeners). This module registers them all and serves
 * FindCoordinator and the admin APIs (DescribeGroups, ListGroups, DeleteGroups); membership and
 * offsets have their own modules.
 *
 * FindCoordinator answers with the coordinator's endpoint on the listener the request came in
 * on, as Kafka does: the adapter hands the native handler the request's own RequestContext,
 * whose listenerName the native handler looks the endpoint up by.
 */
import { Api } from '../../protocol/api';
import { ErrorCode } from '../../protocol/errors';
import { KafkaDeleteGroups, KafkaDescribeGroups, KafkaListGroups, OPERATIONS_NOT_REQUESTED } from '../../protocol/kafka/messages/group-admin';
import { KafkaFindCoordinator, KafkaFindCoordinatorResponseData } from '../../protocol/kafka/messages/group-membership';
import { ApiDispatcher } from '../api-dispatcher';
import { RequestContext } from '../request-context';
import { registerMembershipApis } from './group-membership-handlers';
import { registerOffsetApis } from './group-offsets-handlers';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

/** FindCoordinator's first version with batched keys. */
const BATCHED_KEYS_FROM = 4;

interface CoordinatorAnswer {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

function noCoordinator(errorCode: number, errorMessage: string | null): CoordinatorAnswer {
  return { errorCode, errorMessage, nodeId: -1, host: '', port: -1 };
}

function findCoordinatorError(req: { coordinatorKeys: string[] }, errorCode: number): KafkaFindCoordinatorResponseData {
  return {
    throttleTimeMs: 0, ...noCoordinator(errorCode, null),
    coordinators: req.coordinatorKeys.map((key) => ({ key, ...noCoordinator(errorCode, null) })),
  };
}

export function registerGroupApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  registerFindCoordinator(kafka, native);
  registerMembershipApis(kafka, native);
  registerOffsetApis(kafka, native);
  registerAdminApis(kafka, native);
}

function registerFindCoordinator(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const find = nativeHandler(native, Api.FindCoordinator);
  // The native handler checks access (Describe on the group or transactional id) and serves both key types.
  const one = async (key: string, keyType: number, ctx: RequestContext): Promise<CoordinatorAnswer> => {
    const { errorCode, errorMessage, nodeId, host, port } = await callNative(find, { key, keyType }, ctx);
    return { errorCode, errorMessage, nodeId, host, port };
  };
  kafka.register(KafkaFindCoordinator, async (req, ctx) => {
    if (ctx.header.apiVersion < BATCHED_KEYS_FROM) return { throttleTimeMs: 0, ...await one(req.key, req.keyType, ctx), coordinators: [] };
    const coordinators = await Promise.all(req.coordinatorKeys.map(async (key) => ({ key, ...await one(key, req.keyType, ctx) })));
    return { throttleTimeMs: 0, ...noCoordinator(ErrorCode.NONE.code, null), coordinators };
  }, findCoordinatorError);
}

function registerAdminApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const describe = nativeHandler(native, Api.DescribeGroups);
  const list = nativeHandler(native, Api.ListGroups);
  const del = nativeHandler(native, Api.DeleteGroups);
  kafka
    .register(KafkaDescribeGroups, async (req, ctx) => {
      const answer = await callNative(describe, { groups: req.groups }, ctx);
      // Authorized operations are not computed (Samsa's authorizer only answers yes or no): answered as not requested.
      return { ...answer, groups: answer.groups.map((g) => ({ ...g, authorizedOperations: OPERATIONS_NOT_REQUESTED })) };
    }, (req, errorCode) => ({
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => ({
        errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: OPERATIONS_NOT_REQUESTED,
      })),
    }))
    // statesFilter is [] (all states) before v4, where the request has no such field.
    .register(KafkaListGroups, (req, ctx) => callNative(list, { statesFilter: req.statesFilter }, ctx),
      (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, groups: [] }))
    .register(KafkaDeleteGroups, (req, ctx) => callNative(del, req, ctx),
      (req, errorCode) => ({ throttleTimeMs: 0, results: req.groupsNames.map((groupId) => ({ groupId, errorCode })) }));
}
