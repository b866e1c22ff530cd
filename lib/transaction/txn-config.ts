/**
 * The transaction coordinator's settings, taken once from the broker config (Kafka's
 * TransactionConfig), so the coordinator and its tests depend on this small shape only.
 */
import { BrokerConfig } from '../config/broker-config';

/** Kafka's transaction.state.log.load.buffer.size: bytes per read while loading a partition. */
export const TXN_LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

export interface TxnCoordinatorConfig {
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly minIsr: number;
  readonly segmentBytes: number;
  readonly maxTimeoutMs: number;
  readonly idExpirationMs: number;
  readonly abortTimedOutIntervalMs: number;
  readonly removeExpiredIntervalMs: number;
  /** How long a write to __transaction_state waits for the in-sync replicas (Kafka: request.timeout.ms). */
  readonly writeTimeoutMs: number;
  readonly loadBufferBytes: number;
}

export function txnCoordinatorConfig(c: BrokerConfig): TxnCoordinatorConfig {
  return {
    numPartitions: c.transactionStateLogNumPartitions,
    replicationFactor: c.transactionStateLogReplicationFactor,
    minIsr: c.transactionStateLogMinIsr,
    segmentBytes: c.transactionStateLogSegmentBytes,
    maxTimeoutMs: c.transactionMaxTimeoutMs,
    idExpirationMs: c.transactionalIdExpirationMs,
    abortTimedOutIntervalMs: c.transactionAbortTimedOutTransactionCleanupIntervalMs,
    removeExpiredIntervalMs: c.transactionRemoveExpiredTransactionCleanupIntervalMs,
    writeTimeoutMs: c.requestTimeoutMs,
    loadBufferBytes: TXN_LOAD_BUFFER_BYTES,
  };
}
