/**
 * Every SCRAM credential of the cluster, in memory on every broker, kept current from ZooKeeper
 * as Kafka's CredentialCache + DynamicConfigManager keep it:
 *
 * - at startup, every child of `/config/users` is read (`{"version":1,"config":{"SCRAM-SHA-256":
 *   "salt=...,stored_key=...,server_key=...,iterations=4096",...}}`; other keys, such as quotas,
 *   are ignored);
 * - whoever changes a user writes the znode and then a sequential
 *   `/config/changes/config_change_<seq>` node holding `{"version":2,"entity_path":"users/<user>"}`;
 *   the cache watches `/config/changes` and re-reads each user named by a notification newer than
 *   the last one it processed (other entity types are left to their own consumers);
 * - notifications older than 15 minutes are deleted, as Kafka's ZkNodeChangeNotificationListener does.
 *
 * A user added, changed or deleted therefore authenticates (or stops authenticating) on every
 * broker without a restart; connections already authenticated stay open, as in Kafka.
 */
import { ScramCredential, ScramCredentialSource, ScramMechanism, SCRAM_MECHANISMS, parseCredential } from './scram-credential';
import { desanitize, sanitize } from '../../zk/entity-config';
import { ZkClient } from '../../zk/zk-client';
import { ZkWatch } from '../../zk/zk-watches';
import { isZkError } from '../../zk/zk-errors';
import { Logger } from '../../util/logger';

export const USERS_CONFIG_PATH = '/config/users';
const CHANGES_PATH = '/config/changes';
const CHANGE_PREFIX = 'config_change_';
/** Kafka's ZkNodeChangeNotificationListener.changeExpirationMs. */
export const CHANGE_EXPIRATION_MS = 15 * 60 * 1000;

export class ScramCredentialCache implements ScramCredentialSource {
  /** user → mechanism → credential */
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();
  private lastSequence = -1;
  private watch: ZkWatch | null = null;
  private stopped = false;

  constructor(private readonly zk: ZkClient, private readonly logger: Logger, private readonly now: () => number = Date.now) {}

  credential(mechanism: ScramMechanism, username: string): ScramCredential | undefined {
    return this.users.get(username)?.get(mechanism);
  }

  /** Loads every user, then follows change notifications until stop(). */
  async start(): Promise<void> {
    await this.zk.createPersistentPath(USERS_CONFIG_PATH);
    await this.zk.createPersistentPath(CHANGES_PATH);
    for (const node of await this.zk.getChildren(USERS_CONFIG_PATH)) await this.reload(desanitize(node));
    this.logger.info(`Loaded SCRAM credentials of ${this.users.size} user(s) from ZooKeeper`);
    this.watch = await this.zk.watchChildren(CHANGES_PATH, (children) => this.onChanges(children));
  }

  stop(): void {
    this.stopped = true;
    this.watch?.cancel();
    this.watch = null;
  }

  private async onChanges(children: string[]): Promise<void> {
    if (this.stopped) return;
    const notifications = children
      .filter((name) => name.startsWith(CHANGE_PREFIX))
      .map((name) => ({ name, sequence: Number(name.slice(CHANGE_PREFIX.length)) }))
      .filter((n) => Number.isInteger(n.sequence))
      .sort((a, b) => a.sequence - b.sequence);
    for (const { name, sequence } of notifications) {
      const path = `${CHANGES_PATH}/${name}`;
      try {
        const node = await this.zk.getData(path);
        if (sequence > this.lastSequence) {
          const entity = entityPath(node.data);
          if (entity === undefined) this.logger.warn(`Ignoring malformed config change notification ${path}`);
          else if (entity.startsWith('users/')) await this.onUserChanged(entity.slice('users/'.length));
          this.lastSequence = sequence;
        }
        if (node.stat.ctimeMs < this.now() - CHANGE_EXPIRATION_MS) await this.zk.delete(path).catch(() => undefined);
      } catch (err) {
        if (!isZkError(err, 'NO_NODE')) throw err;
        if (sequence > this.lastSequence) this.lastSequence = sequence;
      }
    }
  }

  /** `users/<sanitized>`; `users/<u>/clients/<c>` (client quotas) is not about credentials. */
  private async onUserChanged(sanitized: string): Promise<void> {
    if (sanitized.includes('/')) return;
    await this.reload(desanitize(sanitized));
  }

  private async reload(user: string): Promise<void> {
    const path = `${USERS_CONFIG_PATH}/${sanitize(user)}`;
    let data: Buffer | null;
    try {
      data = (await this.zk.getData(path)).data;
    } catch (err) {
      if (!isZkError(err, 'NO_NODE')) throw err;
      if (this.users.delete(user)) this.logger.info(`SCRAM credentials of user ${user} removed`);
      return;
    }
    const credentials = parseUserConfig(data, (why) => this.logger.warn(`Ignoring ${path}: ${why}`));
    if (credentials.size === 0) this.users.delete(user);
    else this.users.set(user, credentials);
    this.logger.info(`SCRAM credentials of user ${user} updated (${[...credentials.keys()].join(', ') || 'none'})`);
  }
}

function entityPath(data: Buffer | null): string | undefined {
  try {
    const json = JSON.parse(data?.toString('utf8') ?? '') as { version?: unknown; entity_path?: unknown; entity_type?: unknown; entity_name?: unknown };
    if (json.version === 2 && typeof json.entity_path === 'string') return json.entity_path;
    if (json.version === 1 && typeof json.entity_type === 'string' && typeof json.entity_name === 'string') return `${json.entity_type}/${json.entity_name}`;
  } catch {
    // fall through
  }
  return undefined;
}

/** The SCRAM credentials in a `/config/users/<user>` node; other config keys are ignored. */
export function parseUserConfig(data: Buffer | null, warn: (why: string) => void): Map<ScramMechanism, ScramCredential> {
  const out = new Map<ScramMechanism, ScramCredential>();
  let json: unknown;
  try {
    json = JSON.parse(data?.toString('utf8') ?? '');
  } catch {
    warn('invalid JSON');
    return out;
  }
  const config = (json as { config?: unknown } | null)?.config;
  if (typeof config !== 'object' || config === null) {
    warn('no "config" object');
    return out;
  }
  for (const mechanism of Object.keys(SCRAM_MECHANISMS) as ScramMechanism[]) {
    const text = (config as Record<string, unknown>)[mechanism];
    if (text === undefined) continue;
    const credential = typeof text === 'string' ? parseCredential(text) : undefined;
    if (credential) out.set(mechanism, credential);
    else warn(`malformed ${mechanism} credential`);
  }
  return out;
}
