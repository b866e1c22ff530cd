/**
 * TxnOffsetCommit, served by the group coordinator (lib/group/group-txn-offsets.ts). Access as
 * Kafka's KafkaApis.handleTxnOffsetCommitRequest checks it: Write on the transactional id, then
 * Read on the group (either denial answers every partition), then Read on each topic; a
 * partition the cluster does not know gets UNKNOWN_TOPIC_OR_PARTITION (from the coordinator).
 */
import { ErrorCode } from '../../protocol/errors';
import { Infer } from '../../protocol/schema';
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/messages/transactions';
import { authorize, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

type Request = Infer<typeof TxnOffsetCommitRequest>;
type Response = Infer<typeof TxnOffsetCommitResponse>;

function errors(topics: Request['topics'], errorCode: number): Response['topics'] {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
}

export function txnOffsetCommitHandler(ctx: BrokerContext): Handler<Request, Response> {
  return async (req, rc) => {
    if (!authorize(ctx, rc, 'Write', 'TransactionalId', req.transactionalId)) {
      return { throttleTimeMs: 0, topics: errors(req.topics, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code) };
    }
    if (!authorize(ctx, rc, 'Read', 'Group', req.groupId)) {
      return { throttleTimeMs: 0, topics: errors(req.topics, ErrorCode.GROUP_AUTHORIZATION_FAILED.code) };
    }
    const readable = authorizedNames(ctx, rc, 'Read', 'Topic', req.topics.flatMap((t) => t.partitions.map(() => t.name)));
    const allowed = req.topics.filter((t) => readable.has(t.name));
    const denied = errors(req.topics.filter((t) => !readable.has(t.name)), ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
    if (allowed.length === 0) return { throttleTimeMs: 0, topics: denied };
    const answer = await ctx.groups.txnOffsets.commit({ ...req, topics: allowed });
    return { ...answer, topics: [...answer.topics, ...denied] };
  };
}
