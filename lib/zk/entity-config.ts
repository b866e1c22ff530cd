/**
 * Dynamic entity configs as Kafka 2.8 keeps them in ZooKeeper (AdminZkClient/KafkaZkClient):
 * `/config/<entity type>/<sanitized name>` holding `{"version":1,"config":{...}}`, each change
 * followed by a sequential `/config/changes/config_change_NNNNNNNNNN` naming `<type>/<name>`, so
 * every broker's watch picks it up. Users and client ids are sanitized (Kafka's Sanitizer) since a
 * principal may hold any character, `/` included; topics and broker ids are not.
 *
 * This is the one place that writes those znodes; SCRAM credentials (lib/security/scram/) and
 * later quotas and topic/broker configs (issue 11) are layers on top of it.
 */
import { ClusterRequests } from './cluster-requests';
import { ZkClient } from './zk-client';
import { isZkError, ZkError } from './zk-errors';
import { encodeJson, parseZnodeJson } from './znode-json';
import { ZkPaths } from './znodes';

/** Kafka's ConfigType names, which are also the znode directory names under /config. */
export type ConfigEntityType = 'topics' | 'clients' | 'users' | 'brokers';

/** Kafka's ConfigEntityName.Default: the entity whose config applies to all users / clients / brokers. */
export const DEFAULT_ENTITY_NAME = '<default>';

const SANITIZED_TYPES: ReadonlySet<ConfigEntityType> = new Set(['users', 'clients']);
const CAS_ATTEMPTS = 10;

/**
 * Kafka's Sanitizer.sanitize: Java's URLEncoder (UTF-8; letters, digits and `.-*_` kept, space as
 * `+`, everything else `%XX` in upper-case hex, `~` included), then `*` as `%2A` and `+` as `%20`.
 */
export function sanitize(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/^[A-Za-z0-9._-]$/.test(c)) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Kafka's Sanitizer.desanitize (URLDecoder); a name that does not decode is returned as it is. */
export function desanitize(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** The znode name of an entity: sanitized for users and clients, `<default>` kept as it is. */
export function entityZnodeName(type: ConfigEntityType, name: string): string {
  if (name === DEFAULT_ENTITY_NAME || !SANITIZED_TYPES.has(type)) return name;
  return sanitize(name);
}

export function entityConfigPath(type: ConfigEntityType, name: string): string {
  return `${ZkPaths.config}/${type}/${entityZnodeName(type, name)}`;
}

export const EntityConfigZNode = {
  version: 1,
  encode(config: Readonly<Record<string, string>>): Buffer {
    return encodeJson({ version: 1, config: { ...config } });
  },
  decode(path: string, data: Buffer | null): Record<string, string> {
    const json = parseZnodeJson(path, data);
    json.requireVersion(1);
    return json.object('config').stringValues();
  },
};

export type ConfigUpdate = (current: Record<string, string>) => Record<string, string>;

export class EntityConfigStore {
  private readonly requests: ClusterRequests;

  constructor(readonly zk: ZkClient) {
    this.requests = new ClusterRequests(zk);
  }

  /** The entity's config; empty when it has none. A malformed znode throws ZnodeFormatError. */
  async getConfig(type: ConfigEntityType, name: string): Promise<Record<string, string>> {
    return (await this.read(entityConfigPath(type, name)))?.config ?? {};
  }

  /**
   * Applies `update` to the entity's current config and writes the result, then the change
   * notification (Kafka's order). The write is a compare-and-set on the znode version, retried
   * with a fresh read, so keys another writer set meanwhile (a quota next to a credential) are
   * never lost. An empty result is written as `{"config":{}}`, as Kafka does, not deleted.
   */
  async updateConfig(type: ConfigEntityType, name: string, update: ConfigUpdate): Promise<Record<string, string>> {
    return this.updateZnodeConfig(type, entityZnodeName(type, name), update);
  }

  /** The config of a znode named by its (already sanitized) path below the type: `alice/clients/app` for user+client quotas. */
  async getZnodeConfig(type: ConfigEntityType, znodeName: string): Promise<Record<string, string>> {
    return (await this.read(`${ZkPaths.config}/${type}/${znodeName}`))?.config ?? {};
  }

  /** updateConfig for a znode named by its sanitized path below the type (nested user+client quota entities). */
  async updateZnodeConfig(type: ConfigEntityType, znodeName: string, update: ConfigUpdate): Promise<Record<string, string>> {
    const path = `${ZkPaths.config}/${type}/${znodeName}`;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.read(path);
      const next = update({ ...(current?.config ?? {}) });
      const data = EntityConfigZNode.encode(next);
      try {
        if (current) await this.zk.setData(path, data, current.version);
        else await this.zk.createPersistentPath(path, data).then(() => this.checkCreated(path, data));
      } catch (err) {
        if (isZkError(err, 'BAD_VERSION', 'NODE_EXISTS')) continue;
        throw err;
      }
      await this.requests.createConfigChangeNotification(`${type}/${znodeName}`);
      return next;
    }
    throw new ZkError('BAD_VERSION', `${path} kept changing; gave up after ${CAS_ATTEMPTS} attempts`, { path });
  }

  /** Names (desanitized) of every entity of `type` that has a config znode. */
  async listEntities(type: ConfigEntityType): Promise<string[]> {
    let children: string[];
    try {
      children = await this.zk.getChildren(`${ZkPaths.config}/${type}`);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
    return children.map((c) => (SANITIZED_TYPES.has(type) && c !== DEFAULT_ENTITY_NAME ? desanitize(c) : c)).sort();
  }

  /** The znode names (sanitized, sorted) under /config/<entityPath>: `users`, or `users/alice/clients`. */
  async listChildrenAt(entityPath: string): Promise<string[]> {
    try {
      return (await this.zk.getChildren(`${ZkPaths.config}/${entityPath}`)).sort();
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
  }

  private async read(path: string): Promise<{ config: Record<string, string>; version: number } | null> {
    try {
      const node = await this.zk.getData(path);
      // A user node Kafka created only as the parent of `<user>/clients/<id>` has no data: no config.
      const empty = node.data === null || node.data.length === 0;
      return { config: empty ? {} : EntityConfigZNode.decode(path, node.data), version: node.stat.version };
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      throw err;
    }
  }

  /**
   * createPersistentPath leaves an existing node alone, so a writer that raced us to create it
   * would win silently; reading back tells the two apart and retries the update on a loss.
   */
  private async checkCreated(path: string, data: Buffer): Promise<void> {
    const node = await this.zk.getData(path);
    if (node.stat.version !== 0 || !(node.data ?? Buffer.alloc(0)).equals(data)) {
      throw new ZkError('NODE_EXISTS', `${path} was created by another writer`, { path });
    }
  }
}
