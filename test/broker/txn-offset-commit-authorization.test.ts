import { expect } from 'chai';
import { BrokerContext } from '../../lib/broker/broker-context';
import { txnOffsetCommitHandler } from '../../lib/broker/handlers/txn-offset-commit';
import { RequestContext } from '../../lib/broker/request-context';
import { ErrorCode } from '../../lib/protocol/errors';
import { AuthorizationRequest, Authorizer } from '../../lib/security/acl/acl-types';
import { ConnectionSession } from '../../lib/security/session';

/** Allows exactly the listed "Operation Type:name" grants and remembers what it was asked. */
class Grants implements Authorizer {
  readonly asked: string[] = [];
  constructor(private readonly allowed: string[]) {}
  authorize(r: AuthorizationRequest): boolean {
    const what = `${r.operation} ${r.resource.resourceType}:${r.resource.name}`;
    this.asked.push(what);
    return this.allowed.includes(what);
  }
  authorizeByResourceType(): boolean {
    return false;
  }
}

const RC: RequestContext = {
  header: { apiKey: 28, apiVersion: 0, correlationId: 1, clientId: 'test' }, connectionId: 'c1', remoteAddress: '127.0.0.1:5000',
  listenerName: 'PLAINTEXT', session: new ConnectionSession('PLAINTEXT', 'PLAINTEXT', '127.0.0.1'),
};

const REQUEST = {
  transactionalId: 'tx', groupId: 'g', producerId: 7, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null,
  topics: ['a', 'b'].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] })),
};

function codes(r: { topics: Array<{ name: string; partitions: Array<{ errorCode: number }> }> } | null): string[] {
  if (!r) throw new Error("no answer");
  return r.topics.map((t) => `${t.name}:${t.partitions[0].errorCode}`);
}

describe('broker/handlers TxnOffsetCommit authorization (as Kafka: TransactionalId Write, Group Read, Topic Read)', () => {
  function context(allowed: string[]): { ctx: BrokerContext; authorizer: Grants; committed: string[] } {
    const authorizer = new Grants(allowed);
    const committed: string[] = [];
    const groups = {
      txnOffsets: {
        commit: async (req: typeof REQUEST) => {
          committed.push(...req.topics.map((t) => t.name));
          return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: [{ partitionIndex: 0, errorCode: 0 }] })) };
        },
      },
    };
    return { ctx: { authorizer, groups } as unknown as BrokerContext, authorizer, committed };
  }

  it('answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED on every partition without Write on the transactional id', async () => {
    const { ctx, authorizer, committed } = context(['Read Group:g', 'Read Topic:a', 'Read Topic:b']);
    const r = await txnOffsetCommitHandler(ctx)(REQUEST, RC);
    const code = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code;
    expect(codes(r)).to.deep.equal([`a:${code}`, `b:${code}`]);
    expect(authorizer.asked).to.deep.equal(['Write TransactionalId:tx']);
    expect(committed).to.deep.equal([]);
  });

  it('answers GROUP_AUTHORIZATION_FAILED without Read on the group', async () => {
    const { ctx, committed } = context(['Write TransactionalId:tx', 'Read Topic:a']);
    const code = ErrorCode.GROUP_AUTHORIZATION_FAILED.code;
    expect(codes(await txnOffsetCommitHandler(ctx)(REQUEST, RC))).to.deep.equal([`a:${code}`, `b:${code}`]);
    expect(committed).to.deep.equal([]);
  });

  it('commits the readable topics and answers TOPIC_AUTHORIZATION_FAILED for the others', async () => {
    const { ctx, committed } = context(['Write TransactionalId:tx', 'Read Group:g', 'Read Topic:a']);
    expect(codes(await txnOffsetCommitHandler(ctx)(REQUEST, RC))).to.deep.equal(['a:0', `b:${ErrorCode.TOPIC_AUTHORIZATION_FAILED.code}`]);
    expect(committed).to.deep.equal(['a']);
  });
});
