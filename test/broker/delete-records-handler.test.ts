import { expect } from 'chai';
import { BrokerContext } from '../../lib/broker/broker-context';
import { deleteRecordsHandler } from '../../lib/broker/handlers/delete-records';
import { RequestContext } from '../../lib/broker/request-context';
import { ErrorCode } from '../../lib/protocol/errors';
import { DeleteRecordsResponseData } from '../../lib/protocol/messages/delete-records';
import { AuthorizationRequest, Authorizer } from '../../lib/security/acl/acl-types';
import { ConnectionSession } from '../../lib/security/session';

/** Allows only what `allowed` names (`Operation Type:name`) and remembers what it was asked. */
class Only implements Authorizer {
  readonly asked: string[] = [];
  constructor(private readonly allowed: string[]) {}
  authorize(r: AuthorizationRequest): boolean {
    const what = `${r.operation} ${r.resource.resourceType}:${r.resource.name}`;
    this.asked.push(`${what} (${r.apiName})`);
    return this.allowed.includes(what);
  }
  authorizeByResourceType(): boolean {
    return false;
  }
}

const rc: RequestContext = {
  header: { apiKey: 21, apiVersion: 0, correlationId: 1, clientId: 'test' }, connectionId: 'c1', remoteAddress: '127.0.0.1:5000',
  listenerName: 'PLAINTEXT', session: new ConnectionSession('PLAINTEXT', 'PLAINTEXT', '127.0.0.1'),
};

describe('broker/handlers/delete-records', () => {
  it('needs Delete on each topic, and answers an unknown topic before asking any partition', async () => {
    const authorizer = new Only(['Delete Topic:gone']);
    // Only the authorizer and the metadata cache are there: a handler touching the replicas for these fails the test.
    const ctx = { authorizer, metadata: { hasTopic: () => false } } as unknown as BrokerContext;
    const answer = await deleteRecordsHandler(ctx)({
      topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, offset: 5 }] }, { name: 'gone', partitions: [{ partitionIndex: 1, offset: -1 }] }],
      timeoutMs: 1000,
    }, rc) as DeleteRecordsResponseData;
    expect(answer.topics).to.deep.equal([
      { name: 'secret', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, lowWatermark: -1 }] },
      { name: 'gone', partitions: [{ partitionIndex: 1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, lowWatermark: -1 }] },
    ]);
    expect(authorizer.asked).to.deep.equal(['Delete Topic:secret (DeleteRecords)', 'Delete Topic:gone (DeleteRecords)']);
  });
});
