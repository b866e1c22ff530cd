/**
 * Kafka's OffsetCommit, OffsetFetch and OffsetDelete over the group coordinator, with Kafka's
 * per-version rules:
 * - OffsetCommit v2-4 carry a retention time, which Kafka 2.1+ ignores (KIP-211) and so does
 *   Samsa; generationId -1 with an empty memberId commits for a group without members.
 * - OffsetFetch v1 has no group-level error: a group error is repeated on every requested
 *   partition (offset -1, metadata ""), as Kafka's OffsetFetchRequest.getErrorResponse does;
 *   v2-7 answer it at the top with no topics; v8 asks for several groups and answers each with
 *   its own error. requireStable (v7+, KIP-447) answers UNSTABLE_OFFSET_COMMIT for a partition
 *   with a transactional offset commit pending. A partition without a committed offset is offset -1 with no error.
 * - OffsetDelete v0 is the native API as is.
 * - TxnOffsetCommit v0-2 have no member or generation (-1 / '' / null: not enforced), v3 does.
 */
import { Api } from '../../protocol/api';
import { ErrorCode } from '../../protocol/errors';
import {
  KafkaOffsetCommit, KafkaOffsetCommitResponseData, KafkaOffsetDelete, KafkaOffsetFetch, KafkaOffsetFetchResponseData,
} from '../../protocol/kafka/messages/group-offsets';
import { KafkaTxnOffsetCommit } from '../../protocol/kafka/messages/txn-offset-commit';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

/** OffsetFetch's first version with a group-level errorCode. */
const GROUP_ERROR_FROM = 2;
/** OffsetFetch's first version asking for several groups at once. */
const BATCHED_FETCH_FROM = 8;

type FetchTopics = Array<{ name: string; partitionIndexes: number[] }> | null;

/** Every requested partition with `errorCode`, for versions that have nowhere else to put a group error. */
function partitionsWithError(topics: FetchTopics, errorCode: number): KafkaOffsetFetchResponseData['topics'] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode })),
  }));
}

function commitErrors(topics: ReadonlyArray<{ name: string; partitions: ReadonlyArray<{ partitionIndex: number }> }>, errorCode: number): KafkaOffsetCommitResponseData {
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  };
}

export function registerOffsetApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const commit = nativeHandler(native, Api.OffsetCommit);
  const fetch = nativeHandler(native, Api.OffsetFetch);
  const deleteOffsets = nativeHandler(native, Api.OffsetDelete);
  const txnCommit = nativeHandler(native, Api.TxnOffsetCommit);

  const fetchGroup = async (groupId: string, topics: FetchTopics, requireStable: boolean, ctx: Parameters<typeof fetch>[1]) => {
    const answer = await callNative(fetch, { groupId, topics, requireStable }, ctx);
    return { ...answer, groupId };
  };

  kafka
    .register(KafkaOffsetCommit, (req, ctx) => callNative(commit, {
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      topics: req.topics,
    }, ctx), (req, errorCode) => commitErrors(req.topics, errorCode))
    .register(KafkaOffsetFetch, async (req, ctx) => {
      const version = ctx.header.apiVersion;
      if (version >= BATCHED_FETCH_FROM) {
        const groups = await Promise.all(req.groups.map((g) => fetchGroup(g.groupId, g.topics, req.requireStable, ctx)));
        return {
          throttleTimeMs: 0, topics: [], errorCode: 0,
          groups: groups.map((g) => ({ groupId: g.groupId, topics: g.topics, errorCode: g.errorCode })),
        };
      }
      const answer = await fetchGroup(req.groupId, req.topics, req.requireStable, ctx);
      if (version < GROUP_ERROR_FROM && answer.errorCode !== ErrorCode.NONE.code) {
        return { throttleTimeMs: 0, topics: partitionsWithError(req.topics, answer.errorCode), errorCode: 0, groups: [] };
      }
      return { throttleTimeMs: 0, topics: answer.topics, errorCode: answer.errorCode, groups: [] };
    }, (req, errorCode, version) => {
      if (version >= BATCHED_FETCH_FROM) {
        return { throttleTimeMs: 0, topics: [], errorCode: 0, groups: req.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode })) };
      }
      if (version < GROUP_ERROR_FROM) return { throttleTimeMs: 0, topics: partitionsWithError(req.topics, errorCode), errorCode: 0, groups: [] };
      return { throttleTimeMs: 0, topics: [], errorCode, groups: [] };
    })
    .register(KafkaOffsetDelete, (req, ctx) => callNative(deleteOffsets, req, ctx), (_req, errorCode) => ({ errorCode, throttleTimeMs: 0, topics: [] }))
    .register(KafkaTxnOffsetCommit, (req, ctx) => callNative(txnCommit, req, ctx), (req, errorCode) => commitErrors(req.topics, errorCode));
}
