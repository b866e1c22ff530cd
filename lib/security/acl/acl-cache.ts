/**
 * Every ACL in ZooKeeper, held in memory on every broker so authorizing a request never waits on
 * ZooKeeper (Kafka 2.8's AclAuthorizer.aclCache).
 *
 * On start it reads both stores (literal `/kafka-acl`, prefixed `/kafka-acl-extended/prefixed`)
 * for every resource type, then follows the two change roots: each new `acl_changes_<seq>` node
 * names one resource, which is read again; a change node that cannot be decoded makes the cache
 * reload everything, since it is unknown what changed. As Kafka's
 * ZkNodeChangeNotificationListener does, change nodes older than 15 minutes are deleted, so the
 * change roots stay small. All updates run one at a time, in order.
 */
import { Logger } from '../../util/logger';
import { isZkError } from '../../zk/zk-errors';
import { ZkClient } from '../../zk/zk-client';
import { ZkWatch } from '../../zk/zk-watches';
import { AclBinding, ConcretePatternType, ConcreteResourceType, Resource, ResourcePattern } from './acl-types';
import { patternMatches } from './acl-match';
import {
  ACL_CHANGE_PREFIX, aclRoot, changesRoot, decodeAcls, decodeChange, resourcePath, ZK_RESOURCE_TYPES,
} from './acl-zk-format';

/** Kafka's ZkNodeChangeNotificationListener.DefaultExpirationMs. */
export const CHANGE_EXPIRATION_MS = 15 * 60 * 1000;
const PATTERN_TYPES: readonly ConcretePatternType[] = ['Literal', 'Prefixed'];
/** More new change nodes than this at once (a bulk import, a long disconnection) are cheaper as one full reload. */
const MAX_CHANGES_PER_ROUND = 1000;

export interface AclCacheOptions {
  /** Change nodes older than this are deleted; Kafka's 15 minutes unless a test says otherwise. */
  changeExpirationMs?: number;
  now?: () => number;
}

function keyOf(p: ResourcePattern): string {
  return `${p.patternType}\u0000${p.resourceType}\u0000${p.name}`;
}

function formatPattern(p: ResourcePattern): string {
  return `${p.resourceType}:${p.patternType.toUpperCase()}:${p.name}`;
}

/** The sequence number of `acl_changes_0000000012`, or -1 for a child of another name. */
function sequenceOf(child: string): number {
  if (!child.startsWith(ACL_CHANGE_PREFIX)) return -1;
  const n = Number(child.slice(ACL_CHANGE_PREFIX.length));
  return Number.isSafeInteger(n) ? n : -1;
}

export class AclCache {
  /** Pattern key → the pattern and its entries; a pattern without entries is not kept. */
  private bindings = new Map<string, { pattern: ResourcePattern; bindings: AclBinding[] }>();
  private readonly lastSequence = new Map<ConcretePatternType, number>();
  private readonly watches: ZkWatch[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly changeExpirationMs: number;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly zk: ZkClient, private readonly logger: Logger, options: AclCacheOptions = {}) {
    this.changeExpirationMs = options.changeExpirationMs ?? CHANGE_EXPIRATION_MS;
    this.now = options.now ?? Date.now;
  }

  /** Creates Kafka's ACL paths, loads every ACL, and starts following changes. */
  async start(): Promise<void> {
    await this.createPaths();
    // Changes already present are covered by the full load that follows; only later ones are read.
    for (const type of PATTERN_TYPES) {
      const children = await this.zk.getChildren(changesRoot(type));
      this.lastSequence.set(type, Math.max(-1, ...children.map(sequenceOf)));
    }
    await this.loadAll();
    for (const type of PATTERN_TYPES) {
      this.watches.push(await this.zk.watchChildren(changesRoot(type), (children) => this.enqueue(() => this.onChanges(type, children))));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.watches) watch.cancel();
  }

  /** Bindings whose pattern matches the resource: literal name, literal `*`, and covering prefixes. */
  matching(resource: Resource): AclBinding[] {
    const literal = (name: string) => this.bindings.get(keyOf({ patternType: 'Literal', resourceType: resource.resourceType, name }))?.bindings ?? [];
    const out = [...literal(resource.name), ...(resource.name === '*' ? [] : literal('*'))];
    for (const { pattern, bindings } of this.bindings.values()) {
      if (pattern.patternType === 'Prefixed' && patternMatches(pattern, resource)) out.push(...bindings);
    }
    return out;
  }

  /** Every binding on resources of one type (for authorizeByResourceType). */
  ofType(resourceType: ConcreteResourceType): AclBinding[] {
    return [...this.bindings.values()].filter(({ pattern }) => pattern.resourceType === resourceType).flatMap((e) => e.bindings);
  }

  /** Number of patterns with ACLs. */
  get size(): number {
    return this.bindings.size;
  }

  /** Resolves once every change seen so far has been applied (tests wait on it). */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((err) => { this.logger.error(`ACL cache update failed: ${(err as Error).message}`); });
    return this.queue;
  }

  private async createPaths(): Promise<void> {
    for (const type of PATTERN_TYPES) {
      await this.zk.createPersistentPath(changesRoot(type));
      for (const resourceType of ZK_RESOURCE_TYPES) await this.zk.createPersistentPath(`${aclRoot(type)}/${resourceType}`);
    }
  }

  private async loadAll(): Promise<void> {
    const next = new Map<string, { pattern: ResourcePattern; bindings: AclBinding[] }>();
    for (const patternType of PATTERN_TYPES) {
      for (const resourceType of ZK_RESOURCE_TYPES) {
        let names: string[];
        try {
          names = await this.zk.getChildren(`${aclRoot(patternType)}/${resourceType}`);
        } catch (err) {
          if (isZkError(err, 'NO_NODE')) continue;
          throw err;
        }
        for (const name of names) {
          const pattern: ResourcePattern = { patternType, resourceType, name };
          const bindings = await this.read(pattern);
          if (bindings.length > 0) next.set(keyOf(pattern), { pattern, bindings });
        }
      }
    }
    this.bindings = next;
    this.logger.info(`Loaded ACLs for ${next.size} resource patterns from ZooKeeper`);
  }

  /** The resource's bindings as ZooKeeper has them now; a znode that cannot be read counts as none, logged. */
  private async read(pattern: ResourcePattern): Promise<AclBinding[]> {
    let data: Buffer | null;
    try {
      data = (await this.zk.getData(resourcePath(pattern))).data;
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
    try {
      return decodeAcls(data).map((entry) => ({ pattern, entry }));
    } catch (err) {
      this.logger.error(`Ignoring the ACLs of ${formatPattern(pattern)}: ${(err as Error).message}`);
      return [];
    }
  }

  private async onChanges(patternType: ConcretePatternType, children: string[]): Promise<void> {
    if (this.stopped) return;
    const root = changesRoot(patternType);
    const last = this.lastSequence.get(patternType) ?? -1;
    const fresh = children.filter((c) => sequenceOf(c) > last).sort((a, b) => sequenceOf(a) - sequenceOf(b));
    let reloadAll = fresh.length > MAX_CHANGES_PER_ROUND;
    if (reloadAll) {
      this.logger.info(`${fresh.length} ACL changes under ${root} at once; reloading every ACL instead of reading them one by one`);
      this.lastSequence.set(patternType, sequenceOf(fresh[fresh.length - 1]));
    }
    for (const child of reloadAll ? [] : fresh) {
      let data: Buffer | null = null;
      try {
        data = (await this.zk.getData(`${root}/${child}`)).data;
      } catch (err) {
        if (!isZkError(err, 'NO_NODE')) throw err;
      }
      this.lastSequence.set(patternType, sequenceOf(child));
      const pattern = decodeChange(patternType, data);
      if (!pattern) {
        this.logger.warn(`ACL change ${root}/${child} cannot be decoded (${data === null ? 'gone' : JSON.stringify(data.toString('utf8').slice(0, 200))}); reloading every ACL`);
        reloadAll = true;
        continue;
      }
      if (reloadAll) continue;
      const bindings = await this.read(pattern);
      if (bindings.length > 0) this.bindings.set(keyOf(pattern), { pattern, bindings });
      else this.bindings.delete(keyOf(pattern));
      this.logger.info(`Processed ACL change ${child}: ${formatPattern(pattern)} now has ${bindings.length} ACLs`);
    }
    if (reloadAll) await this.loadAll();
    await this.purgeExpired(root, children);
  }

  /** Kafka's purgeObsoleteNotifications: change nodes older than the expiry go. */
  private async purgeExpired(root: string, children: string[]): Promise<void> {
    const now = this.now();
    for (const child of children) {
      try {
        const { stat } = await this.zk.getData(`${root}/${child}`);
        if (stat.ctimeMs + this.changeExpirationMs < now) await this.zk.delete(`${root}/${child}`, stat.version);
      } catch (err) {
        if (!isZkError(err, 'NO_NODE', 'BAD_VERSION')) throw err;
      }
    }
  }
}
