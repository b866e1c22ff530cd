/**
 * The active controller's in-memory picture of the cluster: live brokers, topic assignments
 * (with the replicas being added and removed by reassignments), partition leadership and topics
 * queued for deletion.
 *
 * ZooKeeper is the source of truth; this cache is loaded from it when a broker becomes
 * controller and is changed only after the matching ZooKeeper write succeeded, so that a
 * controller that resigns can throw it away and its successor rebuilds the same picture.
 */
import type { TopicPartition } from '../util/topic-partition';

export interface LiveBroker {
  id: number;
  /** The broker's endpoint on the controller's inter-broker listener: where controller requests go. */
  host: string;
  port: number;
  /** Every advertised listener, passed on to all brokers in UpdateMetadata. */
  endpoints: LiveBrokerEndpoint[];
  rack: string | null;
  /** The czxid of the broker's registration znode: a restarted broker gets a larger one. */
  epoch: number;
}

export type { TopicPartition } from '../util/topic-partition';
export interface LiveBrokerEndpoint {
  listenerName: string;
  host: string;
  port: number;
}

/** Leadership of one partition as stored in `/brokers/topics/<t>/partitions/<p>/state`. */
export interface PartitionState {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  controllerEpoch: number;
  /** Version of the state znode: the compare-and-set token for the next write. */
  zkVersion: number;
}

export const NO_LEADER = -1;

/** A partition reassignment in progress (KIP-455), as stored in the topic znode. */
export interface ReassignmentState {
  /** Target replicas not in the original set: they join, catch up, then enter the ISR. */
  adding: number[];
  /** Original replicas not in the target set: they leave once the target set is in sync. */
  removing: number[];
}

export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}

export class ControllerContext {
  readonly liveBrokers = new Map<number, LiveBroker>();
  /** topic → partition → replicas in assignment order (the first one is the preferred leader). */
  readonly assignments = new Map<string, Map<number, number[]>>();
  /** topic → partition → state; partitions without an entry have never had a leader elected. */
  readonly states = new Map<string, Map<number, PartitionState>>();
  /** Topics whose deletion is in progress, with the replicas that still owe a StopReplica ack. */
  readonly topicsToDelete = new Map<string, Set<number>>();
  /** Brokers that asked for a controlled shutdown and must not be chosen as leader. */
  readonly shuttingDownBrokers = new Set<number>();
  /** partition key → reassignment in progress; the assignment above holds all its replicas. */
  readonly reassignments = new Map<string, ReassignmentState & { tp: TopicPartition }>();
  /** topic → version of its assignment znode, the compare-and-set token for the controller's rewrites. */
  readonly topicVersions = new Map<string, number>();
  clusterId: string | null = null;

  isLive(brokerId: number): boolean {
    return this.liveBrokers.has(brokerId) && !this.shuttingDownBrokers.has(brokerId);
  }

  /** Live in the sense of "can receive requests": brokers shutting down still count. */
  isRegistered(brokerId: number): boolean {
    return this.liveBrokers.has(brokerId);
  }

  liveBrokerIds(): number[] {
    return [...this.liveBrokers.keys()].sort((a, b) => a - b);
  }

  setAssignment(topic: string, partitions: Map<number, number[]>): void {
    this.assignments.set(topic, new Map(partitions));
    if (!this.states.has(topic)) this.states.set(topic, new Map());
  }

  replicas(tp: TopicPartition): number[] {
    return this.assignments.get(tp.topic)?.get(tp.partition) ?? [];
  }

  /** Replaces one partition's replicas and its reassignment state (none when both lists are empty). */
  setPartitionAssignment(tp: TopicPartition, replicas: number[], reassignment: ReassignmentState = { adding: [], removing: [] }): void {
    let byPartition = this.assignments.get(tp.topic);
    if (!byPartition) {
      byPartition = new Map();
      this.assignments.set(tp.topic, byPartition);
      if (!this.states.has(tp.topic)) this.states.set(tp.topic, new Map());
    }
    byPartition.set(tp.partition, [...replicas]);
    this.setReassignment(tp, reassignment);
  }

  reassignment(tp: TopicPartition): ReassignmentState | undefined {
    return this.reassignments.get(partitionKey(tp));
  }

  setReassignment(tp: TopicPartition, state: ReassignmentState): void {
    const key = partitionKey(tp);
    if (state.adding.length === 0 && state.removing.length === 0) this.reassignments.delete(key);
    else this.reassignments.set(key, { tp: { topic: tp.topic, partition: tp.partition }, adding: [...state.adding], removing: [...state.removing] });
  }

  /** Partitions with a reassignment in progress, in topic and partition order. */
  partitionsBeingReassigned(): TopicPartition[] {
    return [...this.reassignments.values()].map((r) => r.tp)
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  state(tp: TopicPartition): PartitionState | undefined {
    return this.states.get(tp.topic)?.get(tp.partition);
  }

  setState(tp: TopicPartition, state: PartitionState): void {
    let byPartition = this.states.get(tp.topic);
    if (!byPartition) {
      byPartition = new Map();
      this.states.set(tp.topic, byPartition);
    }
    byPartition.set(tp.partition, { ...state, isr: [...state.isr] });
  }

  removeTopic(topic: string): void {
    this.assignments.delete(topic);
    this.states.delete(topic);
    this.topicsToDelete.delete(topic);
    this.topicVersions.delete(topic);
    for (const [key, r] of this.reassignments) if (r.tp.topic === topic) this.reassignments.delete(key);
  }

  topics(): string[] {
    return [...this.assignments.keys()].sort();
  }

  partitionsOf(topic: string): TopicPartition[] {
    const byPartition = this.assignments.get(topic);
    if (!byPartition) return [];
    return [...byPartition.keys()].sort((a, b) => a - b).map((partition) => ({ topic, partition }));
  }

  allPartitions(): TopicPartition[] {
    return this.topics().flatMap((t) => this.partitionsOf(t));
  }

  /** Partitions that have one of the given brokers among their replicas. */
  partitionsOnBrokers(brokerIds: Iterable<number>): TopicPartition[] {
    const ids = new Set(brokerIds);
    return this.allPartitions().filter((tp) => this.replicas(tp).some((r) => ids.has(r)));
  }

  partitionsLedBy(brokerId: number): TopicPartition[] {
    return this.allPartitions().filter((tp) => this.state(tp)?.leader === brokerId);
  }

  /** Partitions with no state yet (never elected) and topics not being deleted. */
  newPartitions(): TopicPartition[] {
    return this.allPartitions().filter((tp) => !this.state(tp) && !this.topicsToDelete.has(tp.topic));
  }

  /**
   * Partitions that need an election: no leader, a leader that is gone, or an ISR member that is
   * gone. Brokers in controlled shutdown still count as present here, as in Kafka: their
   * partitions are handled by the controlled shutdown itself.
   */
  partitionsNeedingElection(): TopicPartition[] {
    return this.allPartitions().filter((tp) => {
      const st = this.state(tp);
      if (st === undefined || this.topicsToDelete.has(tp.topic)) return false;
      return st.leader === NO_LEADER || !this.liveBrokers.has(st.leader) || st.isr.some((r) => !this.liveBrokers.has(r));
    });
  }

  clear(): void {
    this.liveBrokers.clear();
    this.assignments.clear();
    this.states.clear();
    this.topicsToDelete.clear();
    this.shuttingDownBrokers.clear();
    this.reassignments.clear();
    this.topicVersions.clear();
    this.clusterId = null;
  }
}
