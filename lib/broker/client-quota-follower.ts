/**
 * Keeps a broker's client quotas (client-quotas.ts) equal to the entity configs in ZooKeeper, as
 * Kafka's ClientIdConfigHandler and UserConfigHandler do: every `/config/clients/<c>`,
 * `/config/users/<u>` and `/config/users/<u>/clients/<c>` is read at startup, and each
 * `clients/...` or `users/...` change notification re-reads the entity it names. Re-reading the
 * znode (rather than trusting the notification) makes replays harmless.
 */
import { Logger } from '../util/logger';
import { ConfigChangeListener, EntityConfigChange } from '../zk/config-change-listener';
import { desanitize, EntityConfigZNode } from '../zk/entity-config';
import { ZkClient } from '../zk/zk-client';
import { isZkError } from '../zk/zk-errors';
import { ZkPaths } from '../zk/znodes';
import { ZnodeFormatError } from '../zk/znode-json';
import { QuotaEntity, quotaEntityZnode, quotaValues } from './client-quota-config';
import { ClientQuotas } from './client-quotas';

export class ClientQuotaFollower {
  constructor(private readonly zk: ZkClient, private readonly quotas: ClientQuotas, private readonly logger: Logger) {}

  /** Loads every quota entity, then registers for changes; call before `changes.start()`. */
  async start(changes: ConfigChangeListener): Promise<void> {
    let count = 0;
    for (const client of await this.children(`${ZkPaths.config}/clients`)) count += await this.reload({ clientId: desanitize(client) });
    for (const user of await this.children(`${ZkPaths.config}/users`)) {
      count += await this.reload({ user: desanitize(user) });
      for (const client of await this.children(`${ZkPaths.config}/users/${user}/clients`)) {
        count += await this.reload({ user: desanitize(user), clientId: desanitize(client) });
      }
    }
    if (count > 0) this.logger.info(`Loaded client quotas of ${count} entit${count === 1 ? 'y' : 'ies'} from ZooKeeper`);
    changes.on('clients', (change) => this.onChange(change));
    changes.on('users', (change) => this.onChange(change));
  }

  private async onChange(change: EntityConfigChange): Promise<void> {
    const entity = entityOfChange(change);
    if (entity === undefined) {
      this.logger.warn(`Ignoring config change for ${change.type}/${change.znodeName}: not a quota entity path`);
      return;
    }
    await this.reload(entity);
  }

  /** Applies the entity's current quotas; 1 when it has any. */
  private async reload(entity: QuotaEntity): Promise<number> {
    const { type, znodeName } = quotaEntityZnode(entity);
    const path = `${ZkPaths.config}/${type}/${znodeName}`;
    let config: Record<string, string> = {};
    try {
      const node = await this.zk.getData(path);
      if (node.data !== null && node.data.length > 0) config = EntityConfigZNode.decode(path, node.data);
    } catch (err) {
      // A malformed znode counts as no quotas (and says so); ZooKeeper failures propagate.
      if (err instanceof ZnodeFormatError) this.logger.warn(`Ignoring client quotas in ${path}: ${err.message}`);
      else if (!isZkError(err, 'NO_NODE')) throw err;
    }
    this.quotas.applyEntityConfig(entity, config);
    const values = quotaValues(config);
    if (values.size > 0) this.logger.info(`Client quotas of ${path}: ${[...values].map(([k, v]) => `${k}=${v}`).join(', ')}`);
    return values.size > 0 ? 1 : 0;
  }

  private async children(path: string): Promise<string[]> {
    try {
      return await this.zk.getChildren(path);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
  }
}

/** `clients/<c>`, `users/<u>` or `users/<u>/clients/<c>` → the entity; undefined for any other shape. */
export function entityOfChange(change: EntityConfigChange): QuotaEntity | undefined {
  const parts = change.znodeName.split('/');
  if (change.type === 'clients' && parts.length === 1) return { clientId: desanitize(parts[0]) };
  if (change.type !== 'users') return undefined;
  if (parts.length === 1) return { user: desanitize(parts[0]) };
  if (parts.length === 3 && parts[1] === 'clients') return { user: desanitize(parts[0]), clientId: desanitize(parts[2]) };
  return undefined;
}
