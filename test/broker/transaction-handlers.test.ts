import { expect } from 'chai';
import { BrokerContext } from '../../lib/broker/broker-context';
import {
  addOffsetsToTxnHandler, addPartitionsToTxnHandler, describeTransactionsHandler, endTxnHandler, listTransactionsHandler,
} from '../../lib/broker/handlers/transactions';
import { Handler, RequestContext } from '../../lib/broker/request-context';
import { ErrorCode } from '../../lib/protocol/errors';
import { AuthorizationRequest, Authorizer } from '../../lib/security/acl/acl-types';
import { ConnectionSession } from '../../lib/security/session';
import { TxnMetadata } from '../../lib/transaction/txn-state';

/** Allows exactly the listed "Operation Type:name" checks. */
class Allow implements Authorizer {
  readonly asked: string[] = [];
  constructor(private readonly allowed: string[]) {}
  authorize(r: AuthorizationRequest): boolean {
    const key = `${r.operation} ${r.resource.resourceType}:${r.resource.name}`;
    this.asked.push(key);
    return this.allowed.includes(key);
  }
  authorizeByResourceType(): boolean {
    return false;
  }
}

const rc: RequestContext = {
  header: { apiKey: 24, apiVersion: 0, correlationId: 1, clientId: 'test' }, connectionId: 'c1', remoteAddress: '127.0.0.1:5000',
  listenerName: 'PLAINTEXT', session: new ConnectionSession('PLAINTEXT', 'PLAINTEXT', '127.0.0.1'),
};

const E = ErrorCode;
const meta = (id: string): TxnMetadata => ({
  transactionalId: id, producerId: 7, lastProducerId: -1, producerEpoch: 2, lastProducerEpoch: -1, txnTimeoutMs: 1000, state: 'Ongoing',
  partitions: [{ topic: 't', partition: 1 }], txnStartTimestamp: 5, txnLastUpdateTimestamp: 6,
});

function context(allowed: string[], added: unknown[] = []) {
  const authorizer = new Allow(allowed);
  const ctx = {
    authorizer,
    metadata: { partitions: (t: string) => (t === 't' || t === 'secret' ? [{ leader: 1 }, { leader: 1 }] : undefined) },
    groups: { offsetsTopic: { partitionFor: () => 4 } },
    transactions: {
      ops: {
        addPartitions: async (...args: unknown[]) => { added.push(args); return 0; },
        endTransaction: async () => E.PRODUCER_FENCED.code,
      },
      describe: (id: string) => (id === 'known' ? { errorCode: 0, metadata: meta(id) } : { errorCode: E.TRANSACTIONAL_ID_NOT_FOUND.code, metadata: null }),
      list: () => ({ errorCode: 0, unknownStateFilters: ['Bogus'], transactions: [meta('known'), meta('hidden')] }),
    },
  } as unknown as BrokerContext;
  return { ctx, authorizer };
}

async function call<Req, Resp>(handler: Handler<Req, Resp>, req: Req): Promise<Resp> {
  return (await handler(req, rc)) as Resp;
}

describe('broker/handlers/transactions', () => {
  const add = { transactionalId: 'tx', producerId: 7, producerEpoch: 2, topics: [{ name: 't', partitions: [0, 5] }, { name: 'secret', partitions: [0] }] };

  it('AddPartitionsToTxn: needs Write on the transactional id before anything else', async () => {
    const { ctx, authorizer } = context([]);
    const answer = await call(addPartitionsToTxnHandler(ctx), add);
    expect(answer.results.flatMap((t) => t.results.map((p) => p.errorCode))).to.deep.equal([53, 53, 53]);
    expect(authorizer.asked).to.deep.equal(['Write TransactionalId:tx']);
  });

  it('AddPartitionsToTxn: refuses denied topics and unknown partitions, the rest not attempted, as Kafka', async () => {
    const added: unknown[] = [];
    const { ctx } = context(['Write TransactionalId:tx', 'Write Topic:t'], added);
    const answer = await call(addPartitionsToTxnHandler(ctx), add);
    expect(answer.results.map((t) => [t.name, t.results.map((p) => p.errorCode)])).to.deep.equal([
      ['t', [E.OPERATION_NOT_ATTEMPTED.code, E.UNKNOWN_TOPIC_OR_PARTITION.code]], ['secret', [E.TOPIC_AUTHORIZATION_FAILED.code]],
    ]);
    expect(added).to.deep.equal([]);
    const ok = await call(addPartitionsToTxnHandler(ctx), { ...add, topics: [{ name: 't', partitions: [0, 1] }] });
    expect(ok.results[0].results.map((p) => p.errorCode)).to.deep.equal([0, 0]);
    expect(added).to.deep.equal([['tx', 7, 2, [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]]]);
  });

  it('AddOffsetsToTxn: needs Write on the id and Read on the group, then adds the group\'s __consumer_offsets partition', async () => {
    const req = { transactionalId: 'tx', producerId: 7, producerEpoch: 2, groupId: 'g' };
    expect((await call(addOffsetsToTxnHandler(context([]).ctx), req)).errorCode).to.equal(53);
    expect((await call(addOffsetsToTxnHandler(context(['Write TransactionalId:tx']).ctx), req)).errorCode).to.equal(E.GROUP_AUTHORIZATION_FAILED.code);
    const added: unknown[] = [];
    const { ctx } = context(['Write TransactionalId:tx', 'Read Group:g'], added);
    expect((await call(addOffsetsToTxnHandler(ctx), req)).errorCode).to.equal(0);
    expect(added).to.deep.equal([['tx', 7, 2, [{ topic: '__consumer_offsets', partition: 4 }]]]);
  });

  it('EndTxn: needs Write on the id and passes the coordinator\'s answer on', async () => {
    const req = { transactionalId: 'tx', producerId: 7, producerEpoch: 2, committed: true };
    expect((await call(endTxnHandler(context([]).ctx), req)).errorCode).to.equal(53);
    expect((await call(endTxnHandler(context(['Write TransactionalId:tx']).ctx), req)).errorCode).to.equal(E.PRODUCER_FENCED.code);
  });

  it('DescribeTransactions: Describe per id; the state, timeout, start time, producer and partitions by topic', async () => {
    const { ctx } = context(['Describe TransactionalId:known', 'Describe TransactionalId:missing']);
    const answer = await call(describeTransactionsHandler(ctx), { transactionalIds: ['known', 'missing', 'hidden'] });
    expect(answer.transactionStates.map((s) => s.errorCode)).to.deep.equal([0, E.TRANSACTIONAL_ID_NOT_FOUND.code, 53]);
    expect(answer.transactionStates[0]).to.deep.equal({
      errorCode: 0, transactionalId: 'known', transactionState: 'Ongoing', transactionTimeoutMs: 1000, transactionStartTimeMs: 5,
      producerId: 7, producerEpoch: 2, topics: [{ topic: 't', partitions: [1] }],
    });
  });

  it('ListTransactions: only the ids the principal may Describe', async () => {
    const { ctx } = context(['Describe TransactionalId:known']);
    const answer = await call(listTransactionsHandler(ctx), { stateFilters: ['Bogus'], producerIdFilters: [] });
    expect(answer).to.deep.equal({
      throttleTimeMs: 0, errorCode: 0, unknownStateFilters: ['Bogus'], transactionStates: [{ transactionalId: 'known', producerId: 7, transactionState: 'Ongoing' }],
    });
  });
});
