/** Controller-to-broker requests (LeaderAndIsr, UpdateMetadata, StopReplica) and ControlledShutdown. */
import { array, boolean, int16, int32, int64, nullableString, since, string, struct, Infer } from '../schema';

const PartitionState = struct({
  topicName: string,
  partitionIndex: int32,
  controllerEpoch: int32,
  leader: int32,
  leaderEpoch: int32,
  isr: array(int32),
  zkVersion: int32,
  replicas: array(int32),
  isNew: boolean,
}, 'PartitionState');

/** A leader's address on the inter-broker listener, where its followers fetch from. */
const LiveLeader = struct({ id: int32, host: string, port: int32, rack: nullableString }, 'LiveLeader');

/** One of a broker's advertised listeners (UpdateMetadata v1+). */
const BrokerEndpoint = struct({ listenerName: string, host: string, port: int32 }, 'BrokerEndpoint');

/**
 * `host`/`port` are the broker's endpoint on the controller's inter-broker listener (all
 * versions); `endpoints` (v1+) lists every advertised listener, so each broker can answer clients
 * with the endpoints of the listener they connected to.
 */
const LiveBroker = struct({
  id: int32,
  host: string,
  port: int32,
  rack: nullableString,
  endpoints: since(1, array(BrokerEndpoint), []),
}, 'LiveBroker');

/**
 * LeaderAndIsr Request (v0) => controllerId controllerEpoch brokerEpoch [partitionStates] [liveLeaders]
 *   partitionStates => topicName partitionIndex controllerEpoch leader leaderEpoch [isr] zkVersion [replicas] isNew
 *   liveLeaders => id host port rack   (the inter-broker listener's endpoint, as in Kafka)
 */
export const LeaderAndIsrRequest = struct({
  controllerId: int32,
  controllerEpoch: int32,
  brokerEpoch: int64,
  partitionStates: array(PartitionState),
  liveLeaders: array(LiveLeader),
}, 'LeaderAndIsrRequest');

const PartitionError = struct({ topicName: string, partitionIndex: int32, errorCode: int16 }, 'PartitionError');

/** LeaderAndIsr Response (v0) => errorCode [partitionErrors]; partitionErrors => topicName partitionIndex errorCode */
export const LeaderAndIsrResponse = struct({ errorCode: int16, partitionErrors: array(PartitionError) }, 'LeaderAndIsrResponse');

/**
 * UpdateMetadata Request (v0-1) => controllerId controllerEpoch brokerEpoch clusterId [partitionStates] [liveBrokers]
 *   liveBrokers (v0) => id host port rack
 *   liveBrokers (v1) => id host port rack [endpoints]
 *     endpoints => listenerName host port
 * Samsa's controller always sends the complete cluster state (every partition of every topic and
 * every live broker); a broker replaces its metadata cache with it.
 */
export const UpdateMetadataRequest = struct({
  controllerId: int32,
  controllerEpoch: int32,
  brokerEpoch: int64,
  clusterId: nullableString,
  partitionStates: array(PartitionState),
  liveBrokers: array(LiveBroker),
}, 'UpdateMetadataRequest');

/** UpdateMetadata Response (v0) => errorCode */
export const UpdateMetadataResponse = struct({ errorCode: int16 }, 'UpdateMetadataResponse');

/**
 * StopReplica Request (v0) => controllerId controllerEpoch brokerEpoch deletePartitions [partitions]
 *   partitions => topicName partitionIndex
 */
export const StopReplicaRequest = struct({
  controllerId: int32,
  controllerEpoch: int32,
  brokerEpoch: int64,
  deletePartitions: boolean,
  partitions: array(struct({ topicName: string, partitionIndex: int32 }, 'StopReplicaPartition')),
}, 'StopReplicaRequest');

/** StopReplica Response (v0) => errorCode [partitionErrors] */
export const StopReplicaResponse = struct({ errorCode: int16, partitionErrors: array(PartitionError) }, 'StopReplicaResponse');

/** ControlledShutdown Request (v0) => brokerId brokerEpoch */
export const ControlledShutdownRequest = struct({ brokerId: int32, brokerEpoch: int64 }, 'ControlledShutdownRequest');

/** ControlledShutdown Response (v0) => errorCode [remainingPartitions]; remainingPartitions => topicName partitionIndex */
export const ControlledShutdownResponse = struct({
  errorCode: int16,
  remainingPartitions: array(struct({ topicName: string, partitionIndex: int32 }, 'RemainingPartition')),
}, 'ControlledShutdownResponse');

export type PartitionStateData = Infer<typeof PartitionState>;
export type LiveLeaderData = Infer<typeof LiveLeader>;
export type LiveBrokerData = Infer<typeof LiveBroker>;
export type LeaderAndIsrRequestData = Infer<typeof LeaderAndIsrRequest>;
export type LeaderAndIsrResponseData = Infer<typeof LeaderAndIsrResponse>;
export type UpdateMetadataRequestData = Infer<typeof UpdateMetadataRequest>;
export type StopReplicaRequestData = Infer<typeof StopReplicaRequest>;
export type StopReplicaResponseData = Infer<typeof StopReplicaResponse>;
export type ControlledShutdownRequestData = Infer<typeof ControlledShutdownRequest>;
export type ControlledShutdownResponseData = Infer<typeof ControlledShutdownResponse>;
