/**
 * Builds the controller-to-broker request bodies from the controller's context.
 *
 * Pure functions so the exact shape brokers receive is easy to test and to read: LeaderAndIsr
 * carries only the partitions a broker replicates, UpdateMetadata always carries the complete
 * cluster (every partition of every topic and every registered broker) because Samsa's brokers
 * replace their metadata cache with it instead of merging deltas.
 */
import {
  LeaderAndIsrRequestData, LiveBrokerData, LiveLeaderData, PartitionStateData, StopReplicaRequestData, UpdateMetadataRequestData,
} from '../protocol/messages/controller';
import { ControllerContext, NO_LEADER, partitionKey, TopicPartition } from './controller-context';

export interface Sender {
  controllerId: number;
  controllerEpoch: number;
}

/** One partition as brokers see it; partitions never elected (or being deleted) show no leader. */
export function partitionStateData(ctx: ControllerContext, tp: TopicPartition, isNew = false): PartitionStateData {
  const st = ctx.state(tp);
  const replicas = ctx.replicas(tp);
  const deleting = ctx.topicsToDelete.has(tp.topic);
  return {
    topicName: tp.topic,
    partitionIndex: tp.partition,
    controllerEpoch: st?.controllerEpoch ?? 0,
    leader: st && !deleting ? st.leader : NO_LEADER,
    leaderEpoch: st?.leaderEpoch ?? 0,
    isr: st ? [...st.isr] : [],
    zkVersion: st?.zkVersion ?? -1,
    replicas: [...replicas],
    isNew,
  };
}

/** A leader as its followers reach it: the inter-broker listener's endpoint only, as in Kafka. */
function liveLeaderData(ctx: ControllerContext, id: number): LiveLeaderData | null {
  const b = ctx.liveBrokers.get(id);
  return b ? { id: b.id, host: b.host, port: b.port, rack: b.rack } : null;
}

/** A live broker with every advertised endpoint, so each broker can answer on any listener. */
function liveBrokerData(ctx: ControllerContext, id: number): LiveBrokerData | null {
  const b = ctx.liveBrokers.get(id);
  if (!b) return null;
  const endpoints = b.endpoints.map((e) => ({ listenerName: e.listenerName, host: e.host, port: e.port }));
  return { id: b.id, host: b.host, port: b.port, rack: b.rack, endpoints };
}

function brokerEpoch(ctx: ControllerContext, brokerId: number): number {
  return ctx.liveBrokers.get(brokerId)?.epoch ?? -1;
}

/** LeaderAndIsr for one broker: the given partitions it replicates, with their leaders' addresses. */
export function buildLeaderAndIsr(
  ctx: ControllerContext,
  sender: Sender,
  brokerId: number,
  partitions: TopicPartition[],
  newPartitions: ReadonlySet<string> = new Set(),
): LeaderAndIsrRequestData {
  const partitionStates: PartitionStateData[] = [];
  const leaders = new Set<number>();
  for (const tp of partitions) {
    if (!ctx.state(tp) || !ctx.replicas(tp).includes(brokerId)) continue;
    const data = partitionStateData(ctx, tp, newPartitions.has(partitionKey(tp)));
    partitionStates.push(data);
    if (data.leader !== NO_LEADER) leaders.add(data.leader);
  }
  const liveLeaders = [...leaders].sort((a, b) => a - b)
    .map((id) => liveLeaderData(ctx, id))
    .filter((b): b is LiveLeaderData => b !== null);
  return { ...sender, brokerEpoch: brokerEpoch(ctx, brokerId), partitionStates, liveLeaders };
}

/** The complete metadata snapshot sent to every registered broker after each change. */
export function buildUpdateMetadata(ctx: ControllerContext, sender: Sender, brokerId: number): UpdateMetadataRequestData {
  const partitionStates = ctx.allPartitions().map((tp) => partitionStateData(ctx, tp));
  const liveBrokers = ctx.liveBrokerIds()
    .map((id) => liveBrokerData(ctx, id))
    .filter((b): b is LiveBrokerData => b !== null);
  return { ...sender, brokerEpoch: brokerEpoch(ctx, brokerId), clusterId: ctx.clusterId, partitionStates, liveBrokers };
}

export function buildStopReplica(
  ctx: ControllerContext,
  sender: Sender,
  brokerId: number,
  partitions: TopicPartition[],
  deletePartitions: boolean,
): StopReplicaRequestData {
  return {
    ...sender,
    brokerEpoch: brokerEpoch(ctx, brokerId),
    deletePartitions,
    partitions: partitions.map((tp) => ({ topicName: tp.topic, partitionIndex: tp.partition })),
  };
}

/** Groups partitions by the registered brokers that replicate them. */
export function partitionsByReplica(ctx: ControllerContext, partitions: TopicPartition[]): Map<number, TopicPartition[]> {
  const out = new Map<number, TopicPartition[]>();
  for (const tp of partitions) {
    for (const r of ctx.replicas(tp)) {
      if (!ctx.isRegistered(r)) continue;
      let list = out.get(r);
      if (!list) {
        list = [];
        out.set(r, list);
      }
      list.push(tp);
    }
  }
  return out;
}
