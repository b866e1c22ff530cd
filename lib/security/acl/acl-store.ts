/**
 * ACLs in ZooKeeper, read and written the way Kafka 2.8's AclAuthorizer does (layout and JSON in
 * acl-zk-format.ts), so every broker's ACL cache and Kafka's own tools see the same data.
 *
 * Writes are read-modify-write of one resource znode with its version as compare-and-set: two
 * admins adding ACLs to the same topic at once both keep theirs, because the loser of the race
 * gets BADVERSION (or NODEEXISTS when both created the znode) and starts again from a fresh read.
 * A resource whose last ACL goes has its znode deleted. Every change that altered a znode is
 * announced by a persistent sequential node under the change root, which the brokers' caches
 * watch to reload just that resource.
 *
 * This module owns only storage: matching is acl-filter.ts's, validation of what a client sent
 * is the API handlers'.
 */
import { ErrorCode, SamsaError } from '../../protocol/errors';
import { getLogger } from '../../util/logger';
import { sleep } from '../../util/time';
import { isZkError } from '../../zk/zk-errors';
import type { ZkClient } from '../../zk/zk-client';
import { filterMatchesEntry, filterMatchesPattern, sameEntry, samePattern } from './acl-filter';
import { AccessControlEntry, AclBinding, AclBindingFilter, ConcretePatternType, ResourcePattern } from './acl-types';
import { ACL_CHANGE_PREFIX, ZK_RESOURCE_TYPES, aclRoot, changesRoot, decodeAcls, encodeAcls, encodeChange, resourcePath } from './acl-zk-format';

const log = getLogger('acl-store');

/** Attempts at one resource's compare-and-set before giving up (Kafka's maxUpdateRetries is 10). */
const MAX_UPDATE_ATTEMPTS = 10;
/** Upper bound of the first retry's random pause; the bound grows linearly with each attempt. */
const RETRY_BACKOFF_MS = 25;
const PATTERN_TYPES: readonly ConcretePatternType[] = ['Literal', 'Prefixed'];

interface VersionedAcls {
  readonly entries: AccessControlEntry[];
  /** The znode's version, or -1 when it does not exist. */
  readonly version: number;
}

export class AclStore {
  constructor(private readonly zk: ZkClient) {}

  /** Creates the ACL and change roots (Kafka's createAclPaths at startup); harmless when they exist. */
  async ensureRoots(): Promise<void> {
    for (const patternType of PATTERN_TYPES) {
      for (const type of ZK_RESOURCE_TYPES) await this.zk.createPersistentPath(`${aclRoot(patternType)}/${type}`);
      await this.zk.createPersistentPath(changesRoot(patternType));
    }
  }

  /** Every stored ACL the filter selects, grouped in resource order (type, name) per pattern type. */
  async describe(filter: AclBindingFilter): Promise<AclBinding[]> {
    const out: AclBinding[] = [];
    for (const pattern of await this.patterns(filter)) {
      const { entries } = await this.read(pattern);
      for (const entry of entries) if (filterMatchesEntry(filter, entry)) out.push({ pattern, entry });
    }
    return out;
  }

  /** Adds the bindings (already present ones are kept once); one compare-and-set per resource. */
  async create(bindings: readonly AclBinding[]): Promise<void> {
    for (const [pattern, entries] of groupByPattern(bindings)) {
      await this.update(pattern, (current) => {
        const added = entries.filter((e, i) => !current.some((c) => sameEntry(c, e)) && entries.findIndex((o) => sameEntry(o, e)) === i);
        return [...current, ...added];
      });
    }
  }

  /**
   * Deletes what each filter selects; returns, per filter, the bindings it removed. A binding two
   * filters select is reported for both, as Kafka does.
   */
  async delete(filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
    const removed: AclBinding[][] = filters.map(() => []);
    const patterns = new Map<string, ResourcePattern>();
    for (const filter of filters) for (const p of await this.patterns(filter)) patterns.set(resourcePath(p), p);
    for (const pattern of patterns.values()) {
      const selecting = filters.map((f, i) => [f, i] as const).filter(([f]) => filterMatchesPattern(f, pattern));
      await this.update(pattern, (current) => {
        // A retry starts over from a fresh read, so only the last attempt's removals are reported.
        for (const [, i] of selecting) removed[i] = removed[i].filter((b) => !samePattern(b.pattern, pattern));
        return current.filter((entry) => {
          const hits = selecting.filter(([f]) => filterMatchesEntry(f, entry));
          for (const [, i] of hits) removed[i].push({ pattern, entry });
          return hits.length === 0;
        });
      });
    }
    return removed;
  }

  /** The ACLs of one resource pattern and the znode's version. */
  async read(pattern: ResourcePattern): Promise<VersionedAcls> {
    try {
      const { data, stat } = await this.zk.getData(resourcePath(pattern));
      return { entries: decodeAcls(data), version: stat.version };
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return { entries: [], version: -1 };
      throw err;
    }
  }

  /** The stored resource patterns a filter could select (by type, pattern type and name; entries not read yet). */
  private async patterns(filter: AclBindingFilter): Promise<ResourcePattern[]> {
    const out: ResourcePattern[] = [];
    for (const patternType of PATTERN_TYPES) {
      for (const resourceType of ZK_RESOURCE_TYPES) {
        const probe = (name: string): ResourcePattern => ({ resourceType, name, patternType });
        // Cheap pre-check on a name no pattern of this kind could fail on, to skip listing whole types.
        if (!filterMatchesPattern({ ...filter, name: null }, probe(''))) continue;
        for (const name of await this.children(`${aclRoot(patternType)}/${resourceType}`)) {
          if (filterMatchesPattern(filter, probe(name))) out.push(probe(name));
        }
      }
    }
    return out;
  }

  private async children(path: string): Promise<string[]> {
    try {
      return (await this.zk.getChildren(path)).sort();
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
  }

  /**
   * Applies `change` to one resource's ACLs with the znode version as compare-and-set, retrying
   * from a fresh read when another writer got there first; announces the change when it altered
   * anything.
   */
  private async update(pattern: ResourcePattern, change: (current: AccessControlEntry[]) => AccessControlEntry[]): Promise<void> {
    if (pattern.name.includes('/')) throw new SamsaError(ErrorCode.INVALID_REQUEST, `ACL resource name '${pattern.name}' must not contain '/'`);
    const path = resourcePath(pattern);
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(pattern);
      const next = change(current.entries);
      if (sameEntries(current.entries, next)) return;
      try {
        await this.write(path, current.version, next);
        await this.announce(pattern);
        return;
      } catch (err) {
        if (!isZkError(err, 'BAD_VERSION', 'NODE_EXISTS', 'NO_NODE', 'NOT_EMPTY') || attempt >= MAX_UPDATE_ATTEMPTS) throw err;
        log.debug(`Concurrent update of ${path} (${(err as Error).message}); retrying (attempt ${attempt + 1})`);
        // A random pause, growing with each attempt, so racing writers stop colliding in lockstep.
        await sleep(Math.floor(Math.random() * RETRY_BACKOFF_MS * attempt));
      }
    }
  }

  private async write(path: string, version: number, entries: AccessControlEntry[]): Promise<void> {
    if (entries.length === 0) {
      await this.zk.delete(path, version);
      return;
    }
    if (version >= 0) {
      await this.zk.setData(path, encodeAcls(entries), version);
      return;
    }
    await this.zk.createPersistentPath(path.slice(0, path.lastIndexOf('/')));
    await this.zk.create(path, encodeAcls(entries));
  }

  private async announce(pattern: ResourcePattern): Promise<void> {
    await this.zk.createPersistentPath(changesRoot(pattern.patternType));
    await this.zk.create(`${changesRoot(pattern.patternType)}/${ACL_CHANGE_PREFIX}`, encodeChange(pattern), 'PERSISTENT_SEQUENTIAL');
  }
}

function groupByPattern(bindings: readonly AclBinding[]): Array<[ResourcePattern, AccessControlEntry[]]> {
  const groups = new Map<string, [ResourcePattern, AccessControlEntry[]]>();
  for (const { pattern, entry } of bindings) {
    const key = resourcePath(pattern);
    const group = groups.get(key);
    if (group) group[1].push(entry);
    else groups.set(key, [pattern, [entry]]);
  }
  return [...groups.values()];
}

function sameEntries(a: readonly AccessControlEntry[], b: readonly AccessControlEntry[]): boolean {
  return a.length === b.length && a.every((e) => b.some((o) => sameEntry(e, o)));
}
