/** OffsetCommit and OffsetFetch, served by the group coordinator (lib/group/group-offsets.ts). */
import { Infer } from '../../protocol/schema';
import { OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse } from '../../protocol/messages/group';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

export function offsetCommitHandler(ctx: BrokerContext): Handler<Infer<typeof OffsetCommitRequest>, Infer<typeof OffsetCommitResponse>> {
  return (req) => ctx.groups.offsets.commit(req);
}

export function offsetFetchHandler(ctx: BrokerContext): Handler<Infer<typeof OffsetFetchRequest>, Infer<typeof OffsetFetchResponse>> {
  return (req) => ctx.groups.offsets.fetch(req);
}
