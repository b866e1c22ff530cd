/**
 * The controller's ZooKeeper operations: the election (`ControllerElection`) and, for one
 * tenure, watched reads and fenced writes (`ControllerZk`).
 *
 * ClusterStore (lib/zk) owns paths, codecs and the fenced write primitives; what it lacks and
 * the controller needs lives here: reads that arm one-shot watches (children of `/brokers/ids`,
 * `/brokers/topics`, `/admin/delete_topics`, `/isr_change_notification`, `/config/changes`, a
 * topic's assignment, a partition's state, the `/admin` request znodes, `/controller`), and the
 * mapping of ZooKeeper outcomes to what the controller decides on
 * (a version conflict is `null`, an existing state is adopted, a failed fence check is
 * ControllerMovedError).
 */
import { getLogger } from '../util/logger';
import type { ClusterStore } from '../zk/cluster-store';
import { ControllerFence } from '../zk/controller-fence';
import type { ZkClient } from '../zk/zk-client';
import { childPath } from '../zk/zk-client';
import { isZkError } from '../zk/zk-errors';
import { deleteLogDirEventNotifications, logDirEventNotifications, readLogDirEventBrokers } from '../zk/log-dir-events';
import type { ZkWatcher } from '../zk/zk-types';
import {
  ConfigChangeNotificationZNode, IsrChangeNotificationZNode, PartitionReassignment, PartitionStateZNode, PreferredReplicaElectionZNode,
  ReassignPartitionsZNode, TopicAssignment, TopicZNode, ZkPaths, ZnodeFormatError,
} from '../zk/znodes';
import { LiveBroker, PartitionState, TopicPartition } from './controller-context';

export { ControllerMovedError } from '../zk/controller-fence';

const log = getLogger('controller');

export type Watcher = ZkWatcher;

export type ElectionResult =
  | { won: true; epoch: number; epochZkVersion: number }
  | { won: false };

export class ControllerElection {
  constructor(private readonly zk: ZkClient, private readonly store: ClusterStore) {}

  /**
   * The broker id in `/controller`, or null when there is none; arms `watcher` for its creation,
   * change or deletion. A malformed node counts as held by an unknown broker (-1).
   */
  async readControllerId(watcher?: Watcher): Promise<number | null> {
    const stat = await this.zk.exists(ZkPaths.controller, watcher);
    if (!stat) return null;
    try {
      return (await this.store.getController())?.brokerId ?? null;
    } catch (err) {
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.warn(`${err.message}; treating the controller as unknown`);
      return -1;
    }
  }

  async tryBecomeController(brokerId: number): Promise<ElectionResult> {
    const result = await this.store.tryBecomeController(brokerId);
    return result.won ? result : { won: false };
  }

  /** Deletes `/controller` if it names this broker and belongs to one of our sessions. */
  async releaseController(brokerId: number): Promise<void> {
    const current = await this.store.getController().catch(() => null);
    if (!current || current.brokerId !== brokerId || !this.zk.ownsSession(current.owner)) return;
    const stat = await this.zk.exists(ZkPaths.controller);
    if (!stat || stat.ephemeralOwner !== current.owner) return;
    try {
      await this.zk.delete(ZkPaths.controller, stat.version);
    } catch (err) {
      if (!isZkError(err, 'NO_NODE', 'BAD_VERSION')) throw err;
    }
  }
}

export class ControllerZk {
  readonly fence: ControllerFence;

  constructor(private readonly zk: ZkClient, private readonly store: ClusterStore, epochZkVersion: number) {
    this.fence = { epochZkVersion };
  }

  async prepare(): Promise<void> {
    await this.store.ensureBasePaths();
  }

  clusterId(): Promise<string> {
    return this.store.getOrCreateClusterId();
  }

  /**
   * Registered brokers that advertise `interBrokerListenerName`, whose endpoint the controller
   * connects to; arms `watcher` on the children of `/brokers/ids`. A broker without that listener
   * cannot be reached, so it is logged and left out (Kafka's controller fails on it instead).
   */
  async liveBrokers(interBrokerListenerName: string, watcher: Watcher): Promise<LiveBroker[]> {
    const ids = (await this.zk.getChildren(ZkPaths.brokerIds, watcher)).filter((c) => /^\d+$/.test(c)).map(Number);
    const brokers = await Promise.all(ids.map(async (id) => {
      try {
        return await this.store.getBroker(id);
      } catch (err) {
        if (!(err instanceof ZnodeFormatError)) throw err;
        log.error(`${err.message}; ignoring broker ${id}`);
        return null;
      }
    }));
    const live: LiveBroker[] = [];
    for (const b of brokers) {
      if (b === null) continue;
      const endpoint = b.endpoints.find((e) => e.listenerName === interBrokerListenerName);
      if (!endpoint) {
        log.error(`Broker ${b.brokerId} advertises no ${interBrokerListenerName} listener (inter.broker.listener.name), only ` +
          `${b.endpoints.map((e) => e.listenerName).join(', ')}; ignoring it until it registers one`);
        continue;
      }
      const endpoints = b.endpoints.map((e) => ({ listenerName: e.listenerName, host: e.host, port: e.port }));
      live.push({ id: b.brokerId, host: endpoint.host, port: endpoint.port, endpoints, rack: b.rack, epoch: Number(b.epoch) });
    }
    return live.sort((a, b) => a.id - b.id);
  }

  topics(watcher: Watcher): Promise<string[]> {
    return this.zk.getChildren(ZkPaths.topics, watcher).then((t) => t.sort());
  }

  /** The topic's assignment and znode version, or null when it is gone or malformed; arms `watcher` on its data. */
  async assignment(topic: string, watcher?: Watcher): Promise<{ assignment: TopicAssignment; version: number } | null> {
    try {
      const node = await this.zk.getData(ZkPaths.topic(topic), watcher);
      return { assignment: TopicZNode.decode(topic, node.data), version: node.stat.version };
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.error(`${err.message}; ignoring topic ${topic}`);
      return null;
    }
  }

  /** Compare-and-set of a topic's assignment; the new version, or null when the znode moved on (or vanished). */
  async writeAssignment(topic: string, assignment: TopicAssignment, expectedVersion: number): Promise<number | null> {
    try {
      return await this.store.setTopicAssignment(topic, assignment, expectedVersion, this.fence);
    } catch (err) {
      if (isZkError(err, 'BAD_VERSION', 'NO_NODE')) return null;
      throw err;
    }
  }

  async readPartitionState(tp: TopicPartition): Promise<PartitionState | null> {
    return this.watchedPartitionState(tp);
  }

  /** The partition's state, arming `watcher` on the state znode when given (it fires on any write). */
  async watchedPartitionState(tp: TopicPartition, watcher?: Watcher): Promise<PartitionState | null> {
    const path = ZkPaths.partitionState(tp.topic, tp.partition);
    try {
      const node = watcher ? await this.zk.getData(path, watcher) : await this.zk.getData(path);
      const st = PartitionStateZNode.decode(tp.topic, tp.partition, node.data);
      return { ...st, isr: [...st.isr], zkVersion: node.stat.version };
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.error(`${err.message}; treating partition ${tp.topic}-${tp.partition} as new`);
      return null;
    }
  }

  /** Creates the first state of a partition, or returns the state someone already wrote. */
  async createPartitionState(tp: TopicPartition, state: Omit<PartitionState, 'zkVersion'>):
  Promise<{ created: true; zkVersion: number } | { created: false; existing: PartitionState }> {
    try {
      const zkVersion = await this.store.createPartitionState(tp.topic, tp.partition, plain(state), this.fence);
      return { created: true, zkVersion };
    } catch (err) {
      if (!isZkError(err, 'NODE_EXISTS')) throw err;
      const existing = await this.readPartitionState(tp);
      if (!existing) throw err;
      return { created: false, existing };
    }
  }

  /** Compare-and-set of a partition state; null when the znode moved on (or vanished) meanwhile. */
  async updatePartitionState(tp: TopicPartition, state: Omit<PartitionState, 'zkVersion'>, expectedVersion: number): Promise<number | null> {
    try {
      return await this.store.setPartitionState(tp.topic, tp.partition, plain(state), expectedVersion, this.fence);
    } catch (err) {
      if (isZkError(err, 'BAD_VERSION', 'NO_NODE')) return null;
      throw err;
    }
  }

  deleteMarkers(watcher: Watcher): Promise<string[]> {
    return this.zk.getChildren(ZkPaths.deleteTopics, watcher).then((t) => t.sort());
  }

  deleteDeleteMarker(topic: string): Promise<void> {
    return this.store.removeTopicDeletionMarker(topic, this.fence);
  }

  /** Removes the topic's assignment, partition states, config and deletion marker. */
  deleteTopic(topic: string): Promise<void> {
    return this.store.deleteTopicZnodes(topic, this.fence);
  }

  isrChangeNotifications(watcher: Watcher): Promise<string[]> {
    return this.zk.getChildren(ZkPaths.isrChangeNotification, watcher);
  }

  /** The partitions named by the given notifications; vanished or malformed ones name none. */
  async readIsrChanges(names: string[]): Promise<TopicPartition[]> {
    const lists = await Promise.all(names.map(async (name) => {
      const path = childPath(ZkPaths.isrChangeNotification, name);
      try {
        return IsrChangeNotificationZNode.decode(path, (await this.zk.getData(path)).data);
      } catch (err) {
        if (isZkError(err, 'NO_NODE')) return [];
        if (!(err instanceof ZnodeFormatError)) throw err;
        log.warn(`${err.message}; ignoring it`);
        return [];
      }
    }));
    return lists.flat().map((tp) => ({ topic: tp.topic, partition: tp.partition }));
  }

  deleteIsrChangeNotifications(names: string[]): Promise<void> {
    return this.store.deleteIsrChangeNotifications(names, this.fence);
  }

  logDirEventNotifications(watcher: Watcher): Promise<string[]> {
    return logDirEventNotifications(this.zk, watcher);
  }

  readLogDirEventBrokers(names: string[]): Promise<number[]> {
    return readLogDirEventBrokers(this.zk, names, (message) => log.warn(`${message}; ignoring it`));
  }

  deleteLogDirEventNotifications(names: string[]): Promise<void> {
    return deleteLogDirEventNotifications(this.zk, names, this.fence);
  }

  // ---- admin requests -------------------------------------------------------------------

  /**
   * `/admin/reassign_partitions`: its reassignments, 'malformed', or null when absent. The watch
   * is an `exists` watch, so it fires on creation, on every rewrite and on deletion.
   */
  async reassignRequest(watcher?: Watcher): Promise<PartitionReassignment[] | 'malformed' | null> {
    return this.adminRequest(ZkPaths.reassignPartitions, watcher, (data) => ReassignPartitionsZNode.decode(data));
  }

  /** Rewrites `/admin/reassign_partitions` with the reassignments left, deleting it when none are. */
  async rewriteReassignRequest(remaining: PartitionReassignment[]): Promise<void> {
    if (remaining.length === 0) {
      await this.store.deletePartitionReassignment(this.fence);
      return;
    }
    try {
      await this.store.setPartitionReassignment(remaining, -1, this.fence);
    } catch (err) {
      if (!isZkError(err, 'NO_NODE')) throw err;
    }
  }

  /** `/admin/preferred_replica_election`: its partitions, 'malformed', or null when absent (exists watch). */
  async preferredElectionRequest(watcher: Watcher): Promise<TopicPartition[] | 'malformed' | null> {
    return this.adminRequest(ZkPaths.preferredReplicaElection, watcher, (data) => PreferredReplicaElectionZNode.decode(data));
  }

  deletePreferredElectionRequest(): Promise<void> {
    return this.store.deletePreferredReplicaElection(this.fence);
  }

  private async adminRequest<T>(path: string, watcher: Watcher | undefined, decode: (data: Buffer | null) => T): Promise<T | 'malformed' | null> {
    if (!(await this.zk.exists(path, watcher))) return null;
    try {
      return decode((await this.zk.getData(path)).data);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.error(`${err.message}; discarding the request`);
      return 'malformed';
    }
  }

  // ---- topic configs ----------------------------------------------------------------------

  /** Children of `/config/changes`; arms `watcher` on them. */
  configChanges(watcher: Watcher): Promise<string[]> {
    return this.zk.getChildren(ZkPaths.configChanges, watcher);
  }

  /** The entity path (`topics/<t>`) a config change notification names; null if gone or malformed. */
  async readConfigChange(name: string): Promise<string | null> {
    const path = childPath(ZkPaths.configChanges, name);
    try {
      return ConfigChangeNotificationZNode.decode(path, (await this.zk.getData(path)).data);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.warn(`${err.message}; ignoring it`);
      return null;
    }
  }

  /** The topic's config overrides (empty when none); a malformed znode counts as none. */
  async topicConfig(topic: string): Promise<Record<string, string>> {
    try {
      return await this.store.getTopicConfig(topic);
    } catch (err) {
      if (!(err instanceof ZnodeFormatError)) throw err;
      log.error(`${err.message}; using the broker defaults for topic ${topic}`);
      return {};
    }
  }
}

function plain(state: Omit<PartitionState, 'zkVersion'>): { leader: number; leaderEpoch: number; isr: number[]; controllerEpoch: number } {
  return { leader: state.leader, leaderEpoch: state.leaderEpoch, isr: [...state.isr], controllerEpoch: state.controllerEpoch };
}
