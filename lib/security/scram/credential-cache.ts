/**
 * Every SCRAM credential of the cluster, in memory on every broker, kept current from ZooKeeper
 * as Kafka's CredentialCache + DynamicConfigManager keep it:
 *
 * - at startup, every child of `/config/users` is read (`{"version":1,"config":{"SCRAM-SHA-256":
 *   "salt=...,stored_key=...,server_key=...,iterations=4096",...}}`; other keys, such as quotas,
 *   are ignored);
 * - whoever changes a user writes the znode and then a `/config/changes` notification naming
 *   `users/<user>`; the broker's ConfigChangeListener (lib/zk/config-change-listener.ts) hands it
 *   here and the user is re-read.
 *
 * A user added, changed or deleted therefore authenticates (or stops authenticating) on every
 * broker without a restart; connections already authenticated stay open, as in Kafka.
 */
import { ScramCredential, ScramCredentialSource, ScramMechanism, SCRAM_MECHANISMS, parseCredential } from './scram-credential';
import { desanitize, sanitize } from '../../zk/entity-config';
import { ZkClient } from '../../zk/zk-client';
import { ConfigChangeListener, EntityConfigChange } from '../../zk/config-change-listener';
import { isZkError } from '../../zk/zk-errors';
import { Logger } from '../../util/logger';

export const USERS_CONFIG_PATH = '/config/users';

export class ScramCredentialCache implements ScramCredentialSource {
  /** user → mechanism → credential */
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();

  constructor(private readonly zk: ZkClient, private readonly logger: Logger) {}

  credential(mechanism: ScramMechanism, username: string): ScramCredential | undefined {
    return this.users.get(username)?.get(mechanism);
  }

  /** Loads every user and follows `users/...` notifications from `changes` (started by the caller). */
  async start(changes: ConfigChangeListener): Promise<void> {
    await this.zk.createPersistentPath(USERS_CONFIG_PATH);
    for (const node of await this.zk.getChildren(USERS_CONFIG_PATH)) await this.reload(desanitize(node));
    this.logger.info(`Loaded SCRAM credentials of ${this.users.size} user(s) from ZooKeeper`);
    changes.on('users', (change) => this.onUserChanged(change));
  }

  /** `users/<u>/clients/<c>` (client quotas) is not about credentials. */
  private async onUserChanged(change: EntityConfigChange): Promise<void> {
    if (change.name !== null) await this.reload(change.name);
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
