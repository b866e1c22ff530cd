/**
 * Reads and writes client quotas in ZooKeeper for the quota APIs, as Kafka 2.8's AdminManager
 * (describeClientQuotas / alterClientQuotas) does over the entity config znodes: a quota change
 * rewrites the entity's znode (other keys, such as a user's SCRAM credentials, kept) and writes a
 * change notification, through EntityConfigStore, so every broker applies it.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { QuotaMatchType } from '../protocol/messages/client-quotas';
import { DEFAULT_ENTITY_NAME, desanitize, EntityConfigStore } from '../zk/entity-config';
import { isZkError } from '../zk/zk-errors';
import { ZkPaths } from '../zk/znodes';
import { CLIENT_ID_ENTITY, isQuotaKey, QuotaEntity, quotaEntityZnode, quotaValues, quotaValueString, USER_ENTITY } from './client-quota-config';

export interface QuotaFilterComponent {
  readonly entityType: string;
  readonly matchType: number;
  readonly match: string | null;
}

export interface QuotaOp {
  readonly key: string;
  readonly value: number;
  readonly remove: boolean;
}

export interface DescribedQuotas {
  readonly entity: QuotaEntity;
  readonly values: Map<string, number>;
}

/** A filter on one component: a name (`<default>` for the default entity), or null for any name. */
type NameFilter = { readonly name: string | null } | undefined;

export class ClientQuotaStore {
  constructor(private readonly configs: EntityConfigStore) {}

  /** Kafka's describeClientQuotas over user and client-id entities; a bad filter throws INVALID_REQUEST (or UNSUPPORTED_VERSION for other entity types). */
  async describe(components: readonly QuotaFilterComponent[], strict: boolean): Promise<DescribedQuotas[]> {
    let user: NameFilter;
    let clientId: NameFilter;
    let ip = false;
    for (const c of components) {
      const filter = nameFilter(c);
      if (c.entityType === USER_ENTITY) {
        if (user !== undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Duplicate user filter component entity type');
        user = filter;
      } else if (c.entityType === CLIENT_ID_ENTITY) {
        if (clientId !== undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Duplicate client filter component entity type');
        clientId = filter;
      } else if (c.entityType === 'ip') {
        ip = true;
      } else if (c.entityType === '') {
        throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Unexpected empty filter component entity type');
      } else {
        throw new SamsaError(ErrorCode.UNSUPPORTED_VERSION, `Custom entity type '${c.entityType}' not supported`);
      }
    }
    if (ip && (user !== undefined || clientId !== undefined)) {
      throw new SamsaError(ErrorCode.INVALID_REQUEST, 'Invalid entity filter component combination, IP filter component should not be used with user or clientId filter component.');
    }
    // Samsa keeps no IP quotas: an IP filter finds nothing.
    if (ip) return [];
    const matches = (filter: NameFilter, name: string | undefined): boolean => {
      if (filter === undefined) return name === undefined || !strict;
      return filter.name === null ? name !== undefined : name === filter.name;
    };
    return (await this.allEntities()).filter((d) => d.values.size > 0 && matches(user, d.entity.user) && matches(clientId, d.entity.clientId));
  }

  /**
   * Kafka's alterClientQuotas for one entity: every op is checked first (unknown key, a LONG key
   * given a fraction, a value that is not a positive number), so a bad op writes nothing.
   */
  async alter(entity: QuotaEntity, ops: readonly QuotaOp[], validateOnly: boolean): Promise<void> {
    const { type, znodeName } = quotaEntityZnode(entity);
    const changes = ops.map((op) => {
      // Kafka lets a removal name any key; Samsa refuses, so this API cannot delete a user's SCRAM credentials.
      if (!isQuotaKey(op.key)) throw new SamsaError(ErrorCode.INVALID_REQUEST, `Invalid configuration key ${op.key}`);
      return { key: op.key, value: op.remove ? null : quotaValueString(op.key, op.value) };
    });
    if (validateOnly) return;
    await this.configs.updateZnodeConfig(type, znodeName, (current) => {
      for (const { key, value } of changes) {
        if (value === null) delete current[key];
        else current[key] = value;
      }
      return current;
    });
  }

  private async allEntities(): Promise<DescribedQuotas[]> {
    const out: DescribedQuotas[] = [];
    const add = async (entity: QuotaEntity) => {
      const { type, znodeName } = quotaEntityZnode(entity);
      out.push({ entity, values: quotaValues(await this.configs.getZnodeConfig(type, znodeName)) });
    };
    for (const client of await this.children(`${ZkPaths.config}/clients`)) await add({ clientId: desanitize(client) });
    for (const userNode of await this.children(`${ZkPaths.config}/users`)) {
      const user = desanitize(userNode);
      await add({ user });
      for (const client of await this.children(`${ZkPaths.config}/users/${userNode}/clients`)) await add({ user, clientId: desanitize(client) });
    }
    return out;
  }

  private async children(path: string): Promise<string[]> {
    try {
      return await this.configs.zk.getChildren(path);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
  }
}

function nameFilter(c: QuotaFilterComponent): { name: string | null } {
  switch (c.matchType) {
    case QuotaMatchType.EXACT:
      if (c.match === null) throw new SamsaError(ErrorCode.INVALID_REQUEST, `Missing match name for ${c.entityType} filter component of match type EXACT`);
      return { name: c.match };
    case QuotaMatchType.DEFAULT:
      return { name: DEFAULT_ENTITY_NAME };
    case QuotaMatchType.SPECIFIED:
      return { name: null };
    default:
      throw new SamsaError(ErrorCode.INVALID_REQUEST, `Unexpected match type: ${c.matchType}`);
  }
}
