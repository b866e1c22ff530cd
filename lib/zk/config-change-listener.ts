/**
 * Every broker's follower of `/config/changes`, as Kafka's DynamicConfigManager +
 * ZkNodeChangeNotificationListener: whoever changes an entity config writes `/config/<type>/<name>`
 * and then a sequential `config_change_NNNNNNNNNN` holding `{"version":2,"entity_path":"<type>/<name>"}`
 * (version 1's `entity_type`/`entity_name` is read too). The listener hands each notification newer
 * than the last one it processed to the handler registered for its entity type (topics, brokers,
 * clients, users), in sequence order, and deletes notifications older than 15 minutes as Kafka does.
 *
 * At start every notification still present is replayed, so handlers must be idempotent: they
 * re-read the entity's znode rather than trusting the notification. They also load their initial
 * state themselves (Kafka reads every entity of a type at startup) before `start()`. A handler
 * that throws is logged and the listener moves on; a lost notification costs one stale entity,
 * never the listener.
 */
import { Logger } from '../util/logger';
import { ConfigEntityType, desanitize } from './entity-config';
import { ZkClient } from './zk-client';
import { isZkError } from './zk-errors';
import { ZkWatch } from './zk-watches';
import { ConfigChangeNotificationZNode, ZkPaths } from './znodes';
import { ZnodeFormatError } from './znode-json';

/** Kafka's ZkNodeChangeNotificationListener.changeExpirationMs. */
export const CONFIG_CHANGE_EXPIRATION_MS = 15 * 60 * 1000;
const CHANGE_PREFIX = 'config_change_';

export interface EntityConfigChange {
  readonly type: ConfigEntityType;
  /** The path below the type as written in the notification: `orders`, `alice%40x`, `alice/clients/app`. */
  readonly znodeName: string;
  /** The entity's name (desanitized) when the path is one component; null for nested paths (user+client quotas). */
  readonly name: string | null;
}

export type EntityConfigChangeHandler = (change: EntityConfigChange) => void | Promise<void>;

const ENTITY_TYPES: ReadonlySet<string> = new Set<ConfigEntityType>(['topics', 'clients', 'users', 'brokers']);

/** `topics/orders` → the change, or undefined for a type nobody handles or a malformed path. */
export function parseEntityPath(entityPath: string): EntityConfigChange | undefined {
  const slash = entityPath.indexOf('/');
  if (slash <= 0 || slash === entityPath.length - 1) return undefined;
  const type = entityPath.slice(0, slash);
  if (!ENTITY_TYPES.has(type)) return undefined;
  const znodeName = entityPath.slice(slash + 1);
  return { type: type as ConfigEntityType, znodeName, name: znodeName.includes('/') ? null : desanitize(znodeName) };
}

export class ConfigChangeListener {
  private readonly handlers = new Map<ConfigEntityType, EntityConfigChangeHandler[]>();
  private lastSequence = -1;
  private watch: ZkWatch | null = null;
  private stopped = false;

  constructor(private readonly zk: ZkClient, private readonly logger: Logger, private readonly now: () => number = Date.now) {}

  /** Registers a handler for one entity type; call before start(). */
  on(type: ConfigEntityType, handler: EntityConfigChangeHandler): this {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
    return this;
  }

  /** Replays the notifications present, then follows new ones until stop(). */
  async start(): Promise<void> {
    await this.zk.createPersistentPath(ZkPaths.configChanges);
    this.watch = await this.zk.watchChildren(ZkPaths.configChanges, (children) => this.onChildren(children));
  }

  stop(): void {
    this.stopped = true;
    this.watch?.cancel();
    this.watch = null;
  }

  private async onChildren(children: string[]): Promise<void> {
    const notifications = children
      .filter((name) => name.startsWith(CHANGE_PREFIX))
      .map((name) => ({ name, sequence: Number(name.slice(CHANGE_PREFIX.length)) }))
      .filter((n) => Number.isInteger(n.sequence))
      .sort((a, b) => a.sequence - b.sequence);
    for (const { name, sequence } of notifications) {
      if (this.stopped) return;
      const path = `${ZkPaths.configChanges}/${name}`;
      try {
        const node = await this.zk.getData(path);
        if (sequence > this.lastSequence) {
          this.lastSequence = sequence;
          await this.dispatch(path, node.data);
        }
        if (node.stat.ctimeMs < this.now() - CONFIG_CHANGE_EXPIRATION_MS) await this.zk.delete(path).catch(() => undefined);
      } catch (err) {
        if (!isZkError(err, 'NO_NODE')) throw err;
        if (sequence > this.lastSequence) this.lastSequence = sequence;
      }
    }
  }

  private async dispatch(path: string, data: Buffer | null): Promise<void> {
    let entityPath: string;
    try {
      entityPath = ConfigChangeNotificationZNode.decode(path, data);
    } catch (err) {
      if (!(err instanceof ZnodeFormatError)) throw err;
      this.logger.warn(`Ignoring malformed config change notification ${path}: ${err.message}`);
      return;
    }
    const change = parseEntityPath(entityPath);
    if (change === undefined) {
      this.logger.warn(`Ignoring config change notification ${path} for unknown entity path ${entityPath}`);
      return;
    }
    for (const handler of this.handlers.get(change.type) ?? []) {
      try {
        await handler(change);
      } catch (err) {
        this.logger.error(`Applying config change ${entityPath} (${path}) failed: ${(err as Error).message}`);
      }
    }
  }
}
