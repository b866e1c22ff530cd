/**
 * Typed cluster metadata operations on ZooKeeper - Samsa's counterpart of Kafka's KafkaZkClient.
 *
 * The controller, brokers and admin tools call these instead of touching paths and JSON: brokers
 * and cluster id, topics (assignment + config, created in Kafka's order: config first), deletion
 * requests, partition leader/ISR state with its znode version as the compare-and-set token,
 * and the controller election. Writes made for the controller take an optional
 * `ControllerFence` (see controller-fence.ts). Notifications and admin requests live in
 * `cluster-requests.ts`.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { ControllerFence, fencedCreate, fencedDeleteIfExists, fencedMulti, fencedSetData } from './controller-fence';
import { childPath, ZkClient } from './zk-client';
import { isZkError } from './zk-errors';
import {
  BASE_PATHS, BrokerIdZNode, BrokerInfo, ClusterIdZNode, ControllerEpochZNode, ControllerInfo, ControllerZNode,
  generateClusterId, LeaderAndIsr, PartitionStateZNode, TopicAssignment, TopicConfigZNode, TopicZNode, ZkPaths, ZnodeFormatError,
} from './znodes';
import { ClusterRequests } from './cluster-requests';

const log = getLogger('zk');

export interface Versioned<T> {
  value: T;
  /** The znode's data version: pass it back as `expectedVersion` to compare-and-set. */
  version: number;
}

export interface RegisteredBroker extends BrokerInfo {
  /** czxid of the registration znode. */
  epoch: bigint;
}

export type ControllerElection =
  | { won: true; epoch: number; epochZkVersion: number }
  | { won: false; controllerId: number | null };

export interface CurrentController extends ControllerInfo {
  /** Session that owns the ephemeral `/controller` node (16 hex digits). */
  owner: string;
}

const CAS_ATTEMPTS = 5;

export class ClusterStore extends ClusterRequests {
  constructor(zk: ZkClient) {
    super(zk);
  }

  async ensureBasePaths(): Promise<void> {
    for (const path of BASE_PATHS) await this.zk.createPersistentPath(path);
  }

  /** The cluster id, created (from `proposed` or a fresh UUID) by whichever broker asks first. */
  async getOrCreateClusterId(proposed: string = generateClusterId()): Promise<string> {
    const existing = await this.getData(ZkPaths.clusterId);
    if (existing) return ClusterIdZNode.decode(existing.data);
    await this.zk.createPersistentPath(ZkPaths.cluster);
    try {
      await this.zk.create(ZkPaths.clusterId, ClusterIdZNode.encode(proposed));
      return proposed;
    } catch (err) {
      if (!isZkError(err, 'NODE_EXISTS')) throw err;
      return ClusterIdZNode.decode((await this.zk.getData(ZkPaths.clusterId)).data);
    }
  }

  // ------------------------------------------------------------------ brokers

  async liveBrokerIds(): Promise<number[]> {
    const children = await this.children(ZkPaths.brokerIds);
    return children.filter((c) => /^\d+$/.test(c)).map(Number).sort((a, b) => a - b);
  }

  async getBroker(brokerId: number): Promise<RegisteredBroker | null> {
    const node = await this.getData(ZkPaths.brokerId(brokerId));
    return node ? { ...BrokerIdZNode.decode(brokerId, node.data), epoch: node.stat.czxid } : null;
  }

  /** Every registered broker; a malformed registration is logged and left out. */
  async getLiveBrokers(): Promise<Map<number, RegisteredBroker>> {
    const ids = await this.liveBrokerIds();
    const brokers = await Promise.all(ids.map((id) => this.getBroker(id).catch((err) => this.skipMalformed(err))));
    return new Map(brokers.filter((b): b is RegisteredBroker => b !== null).map((b) => [b.brokerId, b]));
  }

  // ------------------------------------------------------------------ topics

  async getAllTopics(): Promise<string[]> {
    return (await this.children(ZkPaths.topics)).sort();
  }

  async topicExists(topic: string): Promise<boolean> {
    return (await this.zk.exists(ZkPaths.topic(topic))) !== null;
  }

  async getTopicAssignment(topic: string): Promise<TopicAssignment | null> {
    return (await this.getTopicAssignmentVersioned(topic))?.value ?? null;
  }

  async getTopicAssignmentVersioned(topic: string): Promise<Versioned<TopicAssignment> | null> {
    const node = await this.getData(ZkPaths.topic(topic));
    return node ? { value: TopicZNode.decode(topic, node.data), version: node.stat.version } : null;
  }

  /** Assignments of the given topics (default: all); missing or malformed ones are left out. */
  async getTopicAssignments(topics?: readonly string[]): Promise<Map<string, TopicAssignment>> {
    const names = topics ?? await this.getAllTopics();
    const entries = await Promise.all(names.map(async (t) => [t, await this.getTopicAssignment(t).catch((e) => this.skipMalformed(e))] as const));
    return new Map(entries.filter((e): e is readonly [string, TopicAssignment] => e[1] !== null));
  }

  /** The topic's config overrides; empty when it has none. */
  async getTopicConfig(topic: string): Promise<Record<string, string>> {
    const node = await this.getData(ZkPaths.topicConfig(topic));
    return node ? TopicConfigZNode.decode(topic, node.data) : {};
  }

  /** Replaces the topic's config overrides and notifies brokers through /config/changes. */
  async setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    await this.writeTopicConfig(topic, config);
    await this.createConfigChangeNotification(`topics/${topic}`);
  }

  /**
   * Creates a topic: config first, then the assignment (which is what the controller watches).
   * TOPIC_ALREADY_EXISTS if it exists or is still being deleted.
   */
  async createTopic(topic: string, assignment: ReadonlyMap<number, readonly number[]>, config: Readonly<Record<string, string>> = {}): Promise<void> {
    if (assignment.size === 0) throw new SamsaError(ErrorCode.INVALID_PARTITIONS, `Topic '${topic}' needs at least one partition.`);
    if (await this.topicExists(topic)) throw new SamsaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic}' already exists.`);
    if (await this.zk.exists(ZkPaths.deleteTopic(topic))) {
      throw new SamsaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic}' is marked for deletion.`);
    }
    await this.writeTopicConfig(topic, config);
    const data = TopicZNode.encode(new Map([...assignment].map(([p, r]) => [p, [...r]])));
    try {
      await this.createWithParents(ZkPaths.topic(topic), data);
    } catch (err) {
      if (isZkError(err, 'NODE_EXISTS')) throw new SamsaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic}' already exists.`);
      throw err;
    }
  }

  /** Overwrites the assignment (compare-and-set when `expectedVersion` >= 0); returns the new version. */
  async setTopicAssignment(topic: string, assignment: TopicAssignment | ReadonlyMap<number, readonly number[]>,
    expectedVersion = -1, fence?: ControllerFence): Promise<number> {
    return fencedSetData(this.zk, ZkPaths.topic(topic), TopicZNode.encode(assignment), expectedVersion, fence);
  }

  /** Adds partitions numbered right after the existing ones; returns the new assignment. */
  async addPartitions(topic: string, additions: ReadonlyMap<number, readonly number[]>): Promise<TopicAssignment> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.getTopicAssignmentVersioned(topic);
      if (!current) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
      const existing = current.value.partitions.size;
      const ids = [...additions.keys()].sort((a, b) => a - b);
      if (ids.length === 0 || ids.some((id, i) => id !== existing + i)) {
        throw new SamsaError(ErrorCode.INVALID_PARTITIONS,
          `Topic '${topic}' has ${existing} partitions; new partitions must be numbered ${existing}..${existing + Math.max(ids.length, 1) - 1}.`);
      }
      const partitions = new Map(current.value.partitions);
      for (const id of ids) partitions.set(id, [...(additions.get(id) ?? [])]);
      const updated = { ...current.value, partitions };
      try {
        await this.setTopicAssignment(topic, updated, current.version);
        return updated;
      } catch (err) {
        if (!isZkError(err, 'BAD_VERSION') || attempt >= CAS_ATTEMPTS) throw err;
      }
    }
  }

  /** Asks the controller to delete the topic (`/admin/delete_topics/<t>`); idempotent. */
  async markTopicForDeletion(topic: string): Promise<void> {
    if (!(await this.topicExists(topic))) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
    try {
      await this.createWithParents(ZkPaths.deleteTopic(topic), null);
    } catch (err) {
      if (!isZkError(err, 'NODE_EXISTS')) throw err;
    }
  }

  async getTopicsMarkedForDeletion(): Promise<string[]> {
    return (await this.children(ZkPaths.deleteTopics)).sort();
  }

  async removeTopicDeletionMarker(topic: string, fence?: ControllerFence): Promise<void> {
    await fencedDeleteIfExists(this.zk, ZkPaths.deleteTopic(topic), fence);
  }

  /** Removes every znode of the topic: assignment and partition states, config, deletion marker. */
  async deleteTopicZnodes(topic: string, fence?: ControllerFence): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const tree = await this.listTree(ZkPaths.topic(topic));
      if (tree.length === 0) break;
      try {
        await fencedMulti(this.zk, tree.reverse().map((path) => ({ op: 'delete' as const, path })), fence);
        break;
      } catch (err) {
        // A partition state created concurrently (NOT_EMPTY) or removed (NO_NODE): list again.
        if (!isZkError(err, 'NOT_EMPTY', 'NO_NODE') || attempt >= CAS_ATTEMPTS) throw err;
      }
    }
    await fencedDeleteIfExists(this.zk, ZkPaths.topicConfig(topic), fence);
    await fencedDeleteIfExists(this.zk, ZkPaths.deleteTopic(topic), fence);
  }

  // ------------------------------------------------------------------ partition state

  async getPartitionState(topic: string, partition: number): Promise<Versioned<LeaderAndIsr> | null> {
    const node = await this.getData(ZkPaths.partitionState(topic, partition));
    return node ? { value: PartitionStateZNode.decode(topic, partition, node.data), version: node.stat.version } : null;
  }

  /** States of every partition of the topic that has one. */
  async getPartitionStates(topic: string): Promise<Map<number, Versioned<LeaderAndIsr>>> {
    const partitions = (await this.children(ZkPaths.topicPartitions(topic))).filter((p) => /^\d+$/.test(p)).map(Number);
    const states = await Promise.all(partitions.map(async (p) => [p, await this.getPartitionState(topic, p)] as const));
    return new Map(states.filter((s): s is readonly [number, Versioned<LeaderAndIsr>] => s[1] !== null).sort((a, b) => a[0] - b[0]));
  }

  /** Creates the state znode (NODE_EXISTS if present); returns its version (0). */
  async createPartitionState(topic: string, partition: number, state: LeaderAndIsr, fence?: ControllerFence): Promise<number> {
    await this.zk.createPersistentPath(ZkPaths.partition(topic, partition));
    await fencedCreate(this.zk, ZkPaths.partitionState(topic, partition), PartitionStateZNode.encode(state), 'PERSISTENT', fence);
    return 0;
  }

  /**
   * Writes the state. With `expectedVersion` it is a compare-and-set (BAD_VERSION if someone
   * else wrote since); without, it creates or overwrites. Returns the new znode version.
   */
  async setPartitionState(topic: string, partition: number, state: LeaderAndIsr, expectedVersion?: number, fence?: ControllerFence): Promise<number> {
    const path = ZkPaths.partitionState(topic, partition);
    const data = PartitionStateZNode.encode(state);
    if (expectedVersion !== undefined) return fencedSetData(this.zk, path, data, expectedVersion, fence);
    for (let attempt = 1; ; attempt++) {
      try {
        return await fencedSetData(this.zk, path, data, -1, fence);
      } catch (err) {
        if (!isZkError(err, 'NO_NODE')) throw err;
      }
      try {
        return await this.createPartitionState(topic, partition, state, fence);
      } catch (err) {
        if (!isZkError(err, 'NODE_EXISTS') || attempt >= CAS_ATTEMPTS) throw err;
      }
    }
  }

  // ------------------------------------------------------------------ controller

  async getController(): Promise<CurrentController | null> {
    const node = await this.getData(ZkPaths.controller);
    return node ? { ...ControllerZNode.decode(node.data), owner: node.stat.ephemeralOwner } : null;
  }

  async getControllerEpoch(): Promise<Versioned<number> | null> {
    const node = await this.getData(ZkPaths.controllerEpoch);
    return node ? { value: ControllerEpochZNode.decode(node.data), version: node.stat.version } : null;
  }

  /** Compare-and-set of `/controller_epoch` (elections do this inside `tryBecomeController`). */
  async setControllerEpoch(epoch: number, expectedVersion: number): Promise<number> {
    return (await this.zk.setData(ZkPaths.controllerEpoch, ControllerEpochZNode.encode(epoch), expectedVersion)).version;
  }

  /**
   * One election round, Kafka's way: a single multi that creates the ephemeral `/controller`
   * and bumps `/controller_epoch` at the version just read. NODE_EXISTS or BAD_VERSION means
   * another broker won. The winner gets the new epoch and the epoch znode version to fence with.
   */
  async tryBecomeController(brokerId: number): Promise<ControllerElection> {
    for (let attempt = 1; ; attempt++) {
      const epoch = await this.getOrCreateControllerEpoch();
      try {
        const results = await this.zk.multi([
          { op: 'create', path: ZkPaths.controller, data: ControllerZNode.encode(brokerId), mode: 'EPHEMERAL' },
          { op: 'setData', path: ZkPaths.controllerEpoch, data: ControllerEpochZNode.encode(epoch.value + 1), version: epoch.version },
        ]);
        const stat = results[1].op === 'setData' ? results[1].stat : null;
        return { won: true, epoch: epoch.value + 1, epochZkVersion: stat ? stat.version : epoch.version + 1 };
      } catch (err) {
        if (!isZkError(err, 'NODE_EXISTS', 'BAD_VERSION')) throw err;
      }
      const outcome = await this.afterLostElection(brokerId);
      if (outcome !== 'retry' || attempt >= CAS_ATTEMPTS) return outcome === 'retry' ? { won: false, controllerId: null } : outcome;
    }
  }

  /** Deletes `/controller` if this session holds it and the fence still holds (a controller move). */
  async resignController(fence: ControllerFence): Promise<void> {
    const stat = await this.zk.exists(ZkPaths.controller);
    if (!stat || stat.ephemeralOwner !== this.zk.sessionId) return;
    await fencedDeleteIfExists(this.zk, ZkPaths.controller, fence, stat.version);
  }

  private async afterLostElection(brokerId: number): Promise<ControllerElection | 'retry'> {
    const node = await this.getData(ZkPaths.controller);
    if (!node) return 'retry'; // the winner is already gone
    let controllerId: number | null = null;
    try {
      controllerId = ControllerZNode.decode(node.data).brokerId;
    } catch (err) {
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.warn(err.message);
    }
    const owner = node.stat.ephemeralOwner;
    if (owner === this.zk.sessionId && controllerId === brokerId) {
      // Our own earlier attempt went through (e.g. its reply was lost with the connection).
      const epoch = await this.getControllerEpoch();
      if (epoch) return { won: true, epoch: epoch.value, epochZkVersion: epoch.version };
    }
    if (owner !== this.zk.sessionId && this.zk.ownsSession(owner)) {
      log.info(`Removing ${ZkPaths.controller} left by our earlier session 0x${owner}`);
      await fencedDeleteIfExists(this.zk, ZkPaths.controller, undefined, node.stat.version);
      return 'retry';
    }
    return { won: false, controllerId };
  }

  private async getOrCreateControllerEpoch(): Promise<Versioned<number>> {
    const existing = await this.getControllerEpoch();
    if (existing) return existing;
    try {
      await this.zk.create(ZkPaths.controllerEpoch, ControllerEpochZNode.encode(ControllerEpochZNode.initialEpoch));
    } catch (err) {
      if (!isZkError(err, 'NODE_EXISTS')) throw err;
    }
    return (await this.getControllerEpoch()) ?? { value: ControllerEpochZNode.initialEpoch, version: 0 };
  }

  // ------------------------------------------------------------------ helpers

  private async writeTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    const path = ZkPaths.topicConfig(topic);
    const data = TopicConfigZNode.encode(config);
    try {
      await this.zk.setData(path, data);
    } catch (err) {
      if (!isZkError(err, 'NO_NODE')) throw err;
      try {
        await this.createWithParents(path, data);
      } catch (again) {
        if (!isZkError(again, 'NODE_EXISTS')) throw again;
        await this.zk.setData(path, data);
      }
    }
  }

  /** The node and all its descendants, parents before children; empty when it does not exist. */
  private async listTree(root: string): Promise<string[]> {
    const out: string[] = [];
    const queue = [root];
    while (queue.length > 0) {
      const path = queue.shift() as string;
      let children: string[];
      try {
        children = await this.zk.getChildren(path);
      } catch (err) {
        if (isZkError(err, 'NO_NODE')) continue;
        throw err;
      }
      out.push(path);
      queue.push(...children.map((c) => childPath(path, c)));
    }
    return out;
  }

  private skipMalformed(err: unknown): null {
    if (!(err instanceof ZnodeFormatError)) throw err;
    log.error(`${err.message}; ignoring it`);
    return null;
  }
}
