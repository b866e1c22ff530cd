/**
 * The request/notification half of the cluster store: znodes that one party writes to ask or
 * tell another something - ISR change notifications (leader -> controller), config change
 * notifications (admin -> brokers), partition reassignment and preferred replica election
 * requests (admin -> controller) - plus producer id block allocation.
 *
 * `ClusterStore` (cluster-store.ts) extends this class so callers see one API; the split only
 * keeps each file to one screenful of concerns. The small read helpers shared by both live here.
 */
import { getLogger } from '../util/logger';
import type { TopicPartition } from '../util/topic-partition';
import { ControllerFence, fencedDeleteIfExists, fencedSetData } from './controller-fence';
import { childPath, parentPath, ZkClient } from './zk-client';
import { isZkError, ZkError } from './zk-errors';
import type { ZkNodeData } from './zk-types';
import {
  ConfigChangeNotificationZNode, IsrChangeNotificationZNode, PartitionReassignment, PreferredReplicaElectionZNode,
  ProducerIdBlock, ProducerIdBlockZNode, ReassignPartitionsZNode, sequenceNumber, ZkPaths, ZnodeFormatError,
} from './znodes';

const log = getLogger('zk');

export interface IsrChangeNotification {
  /** Child name under /isr_change_notification, to delete once processed. */
  name: string;
  /** Empty when the notification was malformed (it should still be deleted). */
  partitions: TopicPartition[];
}

export interface ConfigChangeNotification {
  name: string;
  sequence: number;
  /** `<entity type>/<name>`, e.g. `topics/orders`; null when malformed. */
  entityPath: string | null;
}

const ALLOCATE_ATTEMPTS = 10;

export class ClusterRequests {
  constructor(readonly zk: ZkClient) {}

  // ------------------------------------------------------------------ ISR change notifications

  /** Written by a partition leader after it changed an ISR; returns the sequential node's path. */
  createIsrChangeNotification(partitions: readonly TopicPartition[]): Promise<string> {
    return this.createWithParents(IsrChangeNotificationZNode.prefix, IsrChangeNotificationZNode.encode(partitions), 'PERSISTENT_SEQUENTIAL');
  }

  /** Pending notifications, oldest first. */
  async getIsrChangeNotifications(): Promise<IsrChangeNotification[]> {
    const names = this.bySequence(await this.children(ZkPaths.isrChangeNotification));
    const out: IsrChangeNotification[] = [];
    for (const name of names) {
      const path = childPath(ZkPaths.isrChangeNotification, name);
      const node = await this.getData(path);
      if (!node) continue;
      out.push({ name, partitions: this.decodeOr(() => IsrChangeNotificationZNode.decode(path, node.data), []) });
    }
    return out;
  }

  async deleteIsrChangeNotifications(names: readonly string[], fence?: ControllerFence): Promise<void> {
    for (const name of names) await fencedDeleteIfExists(this.zk, childPath(ZkPaths.isrChangeNotification, name), fence);
  }

  // ------------------------------------------------------------------ config change notifications

  /** Tells brokers that an entity's config changed (`topics/<t>`); returns the node's path. */
  createConfigChangeNotification(entityPath: string): Promise<string> {
    return this.createWithParents(ConfigChangeNotificationZNode.prefix, ConfigChangeNotificationZNode.encode(entityPath), 'PERSISTENT_SEQUENTIAL');
  }

  async getConfigChangeNotifications(): Promise<ConfigChangeNotification[]> {
    const names = this.bySequence(await this.children(ZkPaths.configChanges));
    const out: ConfigChangeNotification[] = [];
    for (const name of names) {
      const path = childPath(ZkPaths.configChanges, name);
      const node = await this.getData(path);
      if (!node) continue;
      out.push({ name, sequence: sequenceNumber(name), entityPath: this.decodeOr(() => ConfigChangeNotificationZNode.decode(path, node.data), null) });
    }
    return out;
  }

  async deleteConfigChangeNotification(name: string): Promise<void> {
    await fencedDeleteIfExists(this.zk, childPath(ZkPaths.configChanges, name));
  }

  // ------------------------------------------------------------------ admin requests

  async getPartitionReassignment(): Promise<PartitionReassignment[] | null> {
    const node = await this.getData(ZkPaths.reassignPartitions);
    return node ? ReassignPartitionsZNode.decode(node.data) : null;
  }

  /** NODE_EXISTS while a previous reassignment is still in progress. */
  async createPartitionReassignment(reassignments: readonly PartitionReassignment[]): Promise<void> {
    await this.createWithParents(ZkPaths.reassignPartitions, ReassignPartitionsZNode.encode(reassignments));
  }

  /** Overwrites the request (the controller drops finished partitions); returns the new version. */
  async setPartitionReassignment(reassignments: readonly PartitionReassignment[], expectedVersion = -1, fence?: ControllerFence): Promise<number> {
    return fencedSetData(this.zk, ZkPaths.reassignPartitions, ReassignPartitionsZNode.encode(reassignments), expectedVersion, fence);
  }

  async deletePartitionReassignment(fence?: ControllerFence): Promise<void> {
    await fencedDeleteIfExists(this.zk, ZkPaths.reassignPartitions, fence);
  }

  async getPreferredReplicaElection(): Promise<TopicPartition[] | null> {
    const node = await this.getData(ZkPaths.preferredReplicaElection);
    return node ? PreferredReplicaElectionZNode.decode(node.data) : null;
  }

  /** NODE_EXISTS while a previous election request is still in progress. */
  async createPreferredReplicaElection(partitions: readonly TopicPartition[]): Promise<void> {
    await this.createWithParents(ZkPaths.preferredReplicaElection, PreferredReplicaElectionZNode.encode(partitions));
  }

  async deletePreferredReplicaElection(fence?: ControllerFence): Promise<void> {
    await fencedDeleteIfExists(this.zk, ZkPaths.preferredReplicaElection, fence);
  }

  // ------------------------------------------------------------------ producer ids

  /** Claims the next block of producer ids for `brokerId` (compare-and-set on the znode). */
  async allocateProducerIdBlock(brokerId: number): Promise<ProducerIdBlock> {
    const size = ProducerIdBlockZNode.blockSize;
    for (let attempt = 0; attempt < ALLOCATE_ATTEMPTS; attempt++) {
      const node = await this.getData(ZkPaths.latestProducerIdBlock);
      const start = node ? ProducerIdBlockZNode.decode(node.data).blockEnd + 1n : 0n;
      const block: ProducerIdBlock = { brokerId, blockStart: start, blockEnd: start + size - 1n };
      try {
        if (node) await this.zk.setData(ZkPaths.latestProducerIdBlock, ProducerIdBlockZNode.encode(block), node.stat.version);
        else await this.zk.create(ZkPaths.latestProducerIdBlock, ProducerIdBlockZNode.encode(block));
        return block;
      } catch (err) {
        if (!isZkError(err, 'BAD_VERSION', 'NODE_EXISTS')) throw err;
      }
    }
    throw new ZkError('BAD_VERSION', `Could not claim a producer id block after ${ALLOCATE_ATTEMPTS} attempts`, { path: ZkPaths.latestProducerIdBlock });
  }

  // ------------------------------------------------------------------ shared helpers

  /** The node's data and stat, or null when it does not exist. */
  protected async getData(path: string): Promise<ZkNodeData | null> {
    try {
      return await this.zk.getData(path);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      throw err;
    }
  }

  /** The node's children, or none when it does not exist. */
  protected async children(path: string): Promise<string[]> {
    try {
      return await this.zk.getChildren(path);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
  }

  /** Creates the node, creating missing (empty, persistent) parents first if needed. */
  protected async createWithParents(path: string, data: Buffer | null, mode: 'PERSISTENT' | 'PERSISTENT_SEQUENTIAL' = 'PERSISTENT'): Promise<string> {
    try {
      return await this.zk.create(path, data, mode);
    } catch (err) {
      if (!isZkError(err, 'NO_NODE')) throw err;
      await this.zk.createPersistentPath(parentPath(path));
      return this.zk.create(path, data, mode);
    }
  }

  private bySequence(names: string[]): string[] {
    return names.sort((a, b) => sequenceNumber(a) - sequenceNumber(b) || a.localeCompare(b));
  }

  private decodeOr<T>(decode: () => T, fallback: T): T {
    try {
      return decode();
    } catch (err) {
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.warn(`${err.message}; treating it as empty`);
      return fallback;
    }
  }
}
