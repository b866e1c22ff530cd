/**
 * OffsetCommit, OffsetFetch and OffsetDelete, served by the group coordinator
 * (lib/group/group-offsets.ts). Access as Kafka checks it: committing needs Read on the group,
 * then Read on each topic; fetching needs Describe on the group, then Describe on each topic, and
 * a listing of every committed offset silently leaves out the topics the principal may not
 * Describe; deleting needs Delete on the group, then Read on each topic.
 */
import { ErrorCode } from '../../protocol/errors';
import { Infer } from '../../protocol/schema';
import {
  OffsetCommitRequest, OffsetCommitResponse, OffsetDeleteRequest, OffsetDeleteResponse, OffsetFetchRequest, OffsetFetchResponse,
} from '../../protocol/messages/group';
import { authorize, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED.code;

type CommitTopics = Infer<typeof OffsetCommitRequest>['topics'];

function commitErrors(topics: CommitTopics, errorCode: (topic: string) => number): Infer<typeof OffsetCommitResponse>['topics'] {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCode(t.name) })) }));
}

export function offsetCommitHandler(ctx: BrokerContext): Handler<Infer<typeof OffsetCommitRequest>, Infer<typeof OffsetCommitResponse>> {
  return async (req, rc) => {
    if (!authorize(ctx, rc, 'Read', 'Group', req.groupId)) {
      return { throttleTimeMs: 0, topics: commitErrors(req.topics, () => ErrorCode.GROUP_AUTHORIZATION_FAILED.code) };
    }
    const readable = authorizedNames(ctx, rc, 'Read', 'Topic', req.topics.flatMap((t) => t.partitions.map(() => t.name)));
    const allowed = req.topics.filter((t) => readable.has(t.name));
    const denied = commitErrors(req.topics.filter((t) => !readable.has(t.name)), () => TOPIC_DENIED);
    if (allowed.length === 0) return { throttleTimeMs: 0, topics: denied };
    const answer = await ctx.groups.offsets.commit({ ...req, topics: allowed });
    return { ...answer, topics: [...answer.topics, ...denied] };
  };
}

export function offsetFetchHandler(ctx: BrokerContext): Handler<Infer<typeof OffsetFetchRequest>, Infer<typeof OffsetFetchResponse>> {
  return (req, rc) => {
    if (!authorize(ctx, rc, 'Describe', 'Group', req.groupId)) {
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED.code };
    }
    const answer = ctx.groups.offsets.fetch(req);
    const describable = authorizedNames(ctx, rc, 'Describe', 'Topic', answer.topics.flatMap((t) => t.partitions.map(() => t.name)));
    if (req.topics === null) return { ...answer, topics: answer.topics.filter((t) => describable.has(t.name)) };
    // Kafka's OffsetFetchResponse.UNAUTHORIZED_PARTITION: no offset, no metadata, TOPIC_AUTHORIZATION_FAILED.
    return {
      ...answer,
      topics: answer.topics.map((t) => (describable.has(t.name) ? t : {
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: TOPIC_DENIED })),
      })),
    };
  };
}

export function offsetDeleteHandler(ctx: BrokerContext): Handler<Infer<typeof OffsetDeleteRequest>, Infer<typeof OffsetDeleteResponse>> {
  return async (req, rc) => {
    if (!authorize(ctx, rc, 'Delete', 'Group', req.groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED.code, throttleTimeMs: 0, topics: [] };
    const readable = authorizedNames(ctx, rc, 'Read', 'Topic', req.topics.flatMap((t) => t.partitions.map(() => t.name)));
    const allowed = req.topics.filter((t) => readable.has(t.name));
    const denied = req.topics.filter((t) => !readable.has(t.name)).map((t) => ({
      name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: TOPIC_DENIED })),
    }));
    const answer = allowed.length > 0 || denied.length === 0 ? await ctx.groups.offsets.delete(req.groupId, allowed) : { errorCode: 0, topics: [] };
    return { errorCode: answer.errorCode, throttleTimeMs: 0, topics: [...answer.topics, ...denied] };
  };
}
