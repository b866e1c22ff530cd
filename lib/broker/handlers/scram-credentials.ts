/**
 * DescribeUserScramCredentials (50) and AlterUserScramCredentials (51), served by any broker.
 * Kafka 2.8's admin client sends Alter to the controller, which writes ZooKeeper; Samsa lets
 * whichever broker the request reaches read and write `/config/users/<user>` itself (the same
 * znodes and the same `/config/changes` notification, so every broker learns of the change), and
 * a Kafka client that sends it to the controller is served there as well.
 *
 * Authorization: Kafka requires Describe (resp. Alter) on the Cluster resource and otherwise
 * answers CLUSTER_AUTHORIZATION_FAILED for the whole request. `authorize` below is the one place
 * that check plugs in; without it every principal is allowed.
 */
import { ErrorCode, errorForCode } from '../../protocol/errors';
import type {
  AlterUserScramCredentialsRequestData, AlterUserScramCredentialsResponseData, DescribeUserScramCredentialsRequestData,
  DescribeUserScramCredentialsResponseData,
} from '../../protocol/messages/scram-credentials';
import { alterUserScramCredentials, describeUserScramCredentials } from '../../security/scram/scram-credential-admin';
import type { UserCredentialsStore } from '../../security/scram/user-credentials-store';
import { Handler, RequestContext } from '../request-context';

/** The Cluster operation each API needs (Kafka's AclOperation names). */
export type ClusterOperation = 'DESCRIBE' | 'ALTER';

/** Decides whether the request's principal (ctx.session.principal) may perform `operation` on the Cluster. */
export type ClusterAuthorizer = (ctx: RequestContext, operation: ClusterOperation) => boolean | Promise<boolean>;

export interface ScramCredentialHandlers {
  describe: Handler<DescribeUserScramCredentialsRequestData, DescribeUserScramCredentialsResponseData>;
  alter: Handler<AlterUserScramCredentialsRequestData, AlterUserScramCredentialsResponseData>;
}

/** `store` is looked up per request: it exists once the broker has connected to ZooKeeper. */
export function scramCredentialHandlers(store: () => UserCredentialsStore, authorize: ClusterAuthorizer = () => true): ScramCredentialHandlers {
  return {
    async describe(req, ctx) {
      if (!(await authorize(ctx, 'DESCRIBE'))) return describeErrorResponse(req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
      return describeUserScramCredentials(store(), req.users === null ? null : req.users.map((u) => u.name));
    },
    async alter(req, ctx) {
      if (!(await authorize(ctx, 'ALTER'))) return alterErrorResponse(req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
      return alterUserScramCredentials(store(), req);
    },
  };
}

/** Kafka's ApiError message for an error without detail: the code's English text. */
function messageFor(errorCode: number): string {
  return errorForCode(errorCode).message;
}

/** Kafka's DescribeUserScramCredentialsRequest.getErrorResponse: the error at the top and for every user. */
export function describeErrorResponse(req: DescribeUserScramCredentialsRequestData, errorCode: number): DescribeUserScramCredentialsResponseData {
  const errorMessage = messageFor(errorCode);
  return {
    throttleTimeMs: 0, errorCode, errorMessage,
    results: (req.users ?? []).map((u) => ({ user: u.name, errorCode, errorMessage, credentialInfos: [] })),
  };
}

/** Kafka's AlterUserScramCredentialsRequest.getErrorResponse: the error for every user named, sorted. */
export function alterErrorResponse(req: AlterUserScramCredentialsRequestData, errorCode: number): AlterUserScramCredentialsResponseData {
  const users = [...new Set([...req.deletions, ...req.upsertions].map((x) => x.name))].sort();
  return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode, errorMessage: messageFor(errorCode) })) };
}
