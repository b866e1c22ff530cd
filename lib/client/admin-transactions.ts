/**
 * The Admin client's transaction calls (KIP-664), as Kafka's Admin offers them and
 * kafka-transactions.sh uses them: list the transactions every coordinator knows, describe one
 * transactional id at its coordinator, describe the producers a partition leader tracks, and abort
 * a hanging transaction by writing the abort marker to the partition leader (WriteTxnMarkers, which
 * needs ClusterAction: an operator's tool, not an application's).
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { asSamsaError, responseError } from './client-errors';
import { ConnectionPool } from './connection-pool';
import { MetadataCache } from './metadata-cache';
import type { TopicPartition } from './partition-state';

/** FindCoordinator's key type for transactional ids. */
const KEY_TYPE_TRANSACTION = 1;

export interface TransactionsDeps {
  readonly pool: ConnectionPool;
  readonly metadata: MetadataCache;
  /** Every broker of the cluster, fresh from Metadata. */
  brokerIds(): Promise<number[]>;
}

/** Kafka's TransactionListing, with the coordinator that reported it (allByBrokerId). */
export interface TransactionListing {
  transactionalId: string;
  producerId: number;
  /** Kafka's TransactionState name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, ... */
  state: string;
  coordinatorId: number;
}

/** Kafka's TransactionDescription. */
export interface TransactionDescription {
  transactionalId: string;
  coordinatorId: number;
  state: string;
  producerId: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  /** null when no transaction is open. */
  transactionStartTimeMs: number | null;
  topicPartitions: TopicPartition[];
}

/** Kafka's ProducerState as DescribeProducers reports it. */
export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  /** null when unknown (-1 on the wire). */
  coordinatorEpoch: number | null;
  /** First offset of the producer's open transaction on the partition; null when none. */
  currentTransactionStartOffset: number | null;
}

/** Kafka's AbortTransactionSpec. */
export interface AbortTransactionSpec extends TopicPartition {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
}

export interface ListTransactionsOptions {
  /** Only these states (Kafka's filterStates); empty or absent: all. */
  states?: string[];
  /** Only these producer ids (Kafka's filterProducerIds). */
  producerIds?: number[];
}

/** Asks every broker; a broker that fails makes the whole call fail, as Kafka's all()/allByBrokerId() do. */
export async function listTransactions(deps: TransactionsDeps, opts: ListTransactionsOptions = {}): Promise<TransactionListing[]> {
  const brokers = await deps.brokerIds();
  const perBroker = await Promise.all(brokers.map(async (brokerId) => {
    const conn = await deps.pool.forNode(brokerId);
    const r = await conn.send(Api.ListTransactions, { stateFilters: opts.states ?? [], producerIdFilters: opts.producerIds ?? [] });
    // COORDINATOR_LOAD_IN_PROGRESS is retriable in Kafka; for a listing, a clear error is more useful than a wait.
    if (r.errorCode !== ErrorCode.NONE.code) throw responseError(r.errorCode, null, `broker ${brokerId} could not list its transactions`);
    return r.transactionStates.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState, coordinatorId: brokerId }));
  }));
  return perBroker.flat();
}

/** The coordinator of a transactional id, then its DescribeTransactions answer; TRANSACTIONAL_ID_NOT_FOUND and other errors throw. */
export async function describeTransaction(deps: TransactionsDeps, transactionalId: string): Promise<TransactionDescription> {
  const anyConn = await deps.pool.anyConnection();
  const found = await anyConn.send(Api.FindCoordinator, { key: transactionalId, keyType: KEY_TYPE_TRANSACTION });
  if (found.errorCode !== ErrorCode.NONE.code) throw responseError(found.errorCode, found.errorMessage);
  await deps.metadata.refresh();
  const conn = await deps.pool.forNode(found.nodeId);
  const r = await conn.send(Api.DescribeTransactions, { transactionalIds: [transactionalId] });
  const state = r.transactionStates.find((t) => t.transactionalId === transactionalId) ?? r.transactionStates[0];
  if (!state) throw new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, `broker ${found.nodeId} did not describe transactional id ${transactionalId}`);
  if (state.errorCode !== ErrorCode.NONE.code) throw responseError(state.errorCode, null);
  return {
    transactionalId,
    coordinatorId: found.nodeId,
    state: state.transactionState,
    producerId: state.producerId,
    producerEpoch: state.producerEpoch,
    transactionTimeoutMs: state.transactionTimeoutMs,
    transactionStartTimeMs: state.transactionStartTimeMs < 0 ? null : state.transactionStartTimeMs,
    topicPartitions: state.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))),
  };
}

/** The leader's (or, with `brokerId`, that replica's) producer states of one partition. */
export async function describeProducers(deps: TransactionsDeps, tp: TopicPartition, brokerId?: number): Promise<ProducerState[]> {
  if (brokerId !== undefined) await deps.metadata.refresh();
  const conn = await deps.pool.forNode(brokerId ?? await leaderOf(deps, tp));
  const r = await conn.send(Api.DescribeProducers, { topics: [{ name: tp.topic, partitionIndexes: [tp.partition] }] });
  const partition = r.topics.find((t) => t.name === tp.topic)?.partitions.find((p) => p.partitionIndex === tp.partition);
  if (!partition) throw new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, `the broker did not answer for ${tp.topic}-${tp.partition}`);
  if (partition.errorCode !== ErrorCode.NONE.code) throw responseError(partition.errorCode, partition.errorMessage);
  return partition.activeProducers.map((p) => ({
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    lastSequence: p.lastSequence,
    lastTimestamp: p.lastTimestamp,
    coordinatorEpoch: p.coordinatorEpoch < 0 ? null : p.coordinatorEpoch,
    currentTransactionStartOffset: p.currentTxnStartOffset < 0 ? null : p.currentTxnStartOffset,
  }));
}

/** Writes the abort marker of `spec`'s producer to the partition's leader (Kafka's Admin.abortTransaction). */
export async function abortTransaction(deps: TransactionsDeps, spec: AbortTransactionSpec): Promise<void> {
  const conn = await deps.pool.forNode(await leaderOf(deps, spec));
  const r = await conn.send(Api.WriteTxnMarkers, {
    markers: [{
      producerId: spec.producerId, producerEpoch: spec.producerEpoch, transactionResult: false, coordinatorEpoch: spec.coordinatorEpoch,
      topics: [{ name: spec.topic, partitionIndexes: [spec.partition] }],
    }],
  });
  const code = r.markers[0]?.topics[0]?.partitions[0]?.errorCode;
  if (code === undefined) throw new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, `the broker did not answer for ${spec.topic}-${spec.partition}`);
  if (code !== ErrorCode.NONE.code) throw responseError(code, null);
}

async function leaderOf(deps: TransactionsDeps, tp: TopicPartition): Promise<number> {
  try {
    await deps.metadata.refresh([tp.topic]);
  } catch (err) {
    throw asSamsaError(err);
  }
  if (deps.metadata.topic(tp.topic) === undefined || deps.metadata.partitionMetadata(tp.topic, tp.partition) === undefined) {
    throw responseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, null, `Topic partition ${tp.topic}-${tp.partition} does not exist.`);
  }
  const leader = deps.metadata.leaderFor(tp.topic, tp.partition);
  if (leader < 0) throw responseError(ErrorCode.LEADER_NOT_AVAILABLE.code, null);
  return leader;
}
