/**
 * Key and value formats of `__transaction_state` records, as Kafka's TransactionLog writes them,
 * so Kafka's tools could read our topic and ours can read Kafka's:
 *
 *   TransactionLogKey (v0)   => version:int16 transactionalId:string
 *   TransactionLogValue (v0) => version:int16 producerId:int64 producerEpoch:int16 transactionTimeoutMs:int32
 *                               transactionStatus:int8 transactionPartitions:[topic [partitionIds:int32]]?
 *                               transactionLastUpdateTimestampMs:int64 transactionStartTimestampMs:int64
 *
 * The partition array is null for an Empty transaction (Kafka writes it so) and may be null or
 * empty otherwise. A null value is a tombstone: the transactional id expired.
 */
import { ProtocolError } from '../protocol/errors';
import { Reader } from '../protocol/reader';
import { array, int16, int32, int64, int8, nullableArray, string, struct, Type } from '../protocol/schema';
import { Writer } from '../protocol/writer';
import { NO_PRODUCER_ID, TxnMetadata, TxnPartition, TXN_STATE_IDS, txnStateById } from './txn-state';

export const TXN_LOG_KEY_VERSION = 0;
export const TXN_LOG_VALUE_VERSION = 0;

const KeySchema = struct({ transactionalId: string }, 'TransactionLogKey');
const ValueSchema = struct({
  producerId: int64,
  producerEpoch: int16,
  transactionTimeoutMs: int32,
  transactionStatus: int8,
  transactionPartitions: nullableArray(struct({ topic: string, partitionIds: array(int32) }, 'TransactionLogPartitions')),
  transactionLastUpdateTimestampMs: int64,
  transactionStartTimestampMs: int64,
}, 'TransactionLogValue');

function withVersion<T>(version: number, type: Type<T>, value: T): Buffer {
  const w = new Writer();
  w.writeInt16(version);
  type.write(w, value, version);
  return w.toBuffer();
}

function readVersioned<T>(buf: Buffer, type: Type<T>, what: string): T {
  const r = new Reader(buf);
  const version = r.readInt16();
  if (version !== 0) throw new ProtocolError(`unknown ${what} version ${version}`);
  const value = type.read(r, version);
  if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes after ${what} v${version}`);
  return value;
}

export function encodeTxnLogKey(transactionalId: string): Buffer {
  return withVersion(TXN_LOG_KEY_VERSION, KeySchema, { transactionalId });
}

export function decodeTxnLogKey(buf: Buffer): string {
  return readVersioned(buf, KeySchema, 'transaction log key').transactionalId;
}

/** Partitions grouped by topic, in first-seen order: the log's and DescribeTransactions' shape. */
export function groupByTopic(partitions: readonly TxnPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}

export function encodeTxnLogValue(m: TxnMetadata): Buffer {
  if (m.state === 'Empty' && m.partitions.length > 0) throw new Error(`transactional id ${m.transactionalId} is Empty but has partitions`);
  return withVersion(TXN_LOG_VALUE_VERSION, ValueSchema, {
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    transactionTimeoutMs: m.txnTimeoutMs,
    transactionStatus: TXN_STATE_IDS[m.state],
    transactionPartitions: m.state === 'Empty' ? null : groupByTopic(m.partitions).map((t) => ({ topic: t.topic, partitionIds: t.partitions })),
    transactionLastUpdateTimestampMs: m.txnLastUpdateTimestamp,
    transactionStartTimestampMs: m.txnStartTimestamp,
  });
}

/** The stored metadata; the last producer id and epoch are not in the v0 format (Kafka loads them as -1). */
export function decodeTxnLogValue(transactionalId: string, buf: Buffer): TxnMetadata {
  const v = readVersioned(buf, ValueSchema, 'transaction log value');
  const state = txnStateById(v.transactionStatus);
  if (state === undefined) throw new ProtocolError(`unknown transaction status ${v.transactionStatus}`);
  return {
    transactionalId,
    producerId: v.producerId,
    lastProducerId: NO_PRODUCER_ID,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: -1,
    txnTimeoutMs: v.transactionTimeoutMs,
    state,
    partitions: (v.transactionPartitions ?? []).flatMap((t) => t.partitionIds.map((partition) => ({ topic: t.topic, partition }))),
    txnStartTimestamp: v.transactionStartTimestampMs,
    txnLastUpdateTimestamp: v.transactionLastUpdateTimestampMs,
  };
}
