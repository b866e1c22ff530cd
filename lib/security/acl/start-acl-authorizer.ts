/**
 * Builds the broker's authorizer as Kafka's AclAuthorizer.configure + start do: when
 * `authorizer.class.name` names it, a cache of every ACL in ZooKeeper (loaded before this
 * resolves, then following changes) under the rules of acl-authorizer.ts; null (everything
 * allowed) otherwise. The broker calls it before registering any handler, so no request is ever
 * decided on an empty cache.
 */
import { BrokerConfig } from '../../config/broker-config';
import { getLogger } from '../../util/logger';
import { ZkClient } from '../../zk/zk-client';
import { AclAuthorizer } from './acl-authorizer';
import { AclCache } from './acl-cache';
import { Authorizer } from './acl-types';

export async function startAclAuthorizer(zk: ZkClient, config: BrokerConfig): Promise<{ authorizer: Authorizer; cache: AclCache } | null> {
  if (config.authorizer === null) return null;
  const logger = getLogger('authorizer');
  const cache = new AclCache(zk, logger);
  await cache.start();
  const superUsers = config.superUsers.length > 0 ? config.superUsers.join(';') : 'none';
  logger.info(`Authorizing requests with ACLs from ZooKeeper; super users: ${superUsers}; allow.everyone.if.no.acl.found=${config.allowEveryoneIfNoAclFound}`);
  const authorizer = new AclAuthorizer(cache, {
    superUsers: new Set(config.superUsers),
    allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound,
    auditLogLevel: config.authorizerAuditLogLevel,
    logger,
  });
  return { authorizer, cache };
}
