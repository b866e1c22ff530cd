/**
 * Replays one `__transaction_state` partition into the transactions it describes, as a broker does
 * when it becomes that partition's leader (Kafka's TransactionStateManager.loadTransactionMetadata).
 *
 * The log is read from its start to the end it had when loading began; the last record per
 * transactional id wins and a tombstone forgets the id, the answer compaction would give too.
 */
import { ReadableLog } from '../group/offsets-log';
import { decodeRecordBatches } from '../record/record-batch';
import { Logger } from '../util/logger';
import { decodeTxnLogKey, decodeTxnLogValue } from './txn-log-records';
import { TxnMetadata } from './txn-state';

export interface LoadedTxnPartition {
  readonly transactions: Map<string, TxnMetadata>;
  readonly recordsRead: number;
  readonly endOffset: number;
}

/** Returns null when `cancelled` turned true part way (leadership moved on). */
export async function loadTxnPartition(
  log: ReadableLog, maxBytes: number, cancelled: () => boolean, logger: Logger,
): Promise<LoadedTxnPartition | null> {
  const transactions = new Map<string, TxnMetadata>();
  const endOffset = log.logEndOffset;
  let position = log.logStartOffset;
  let recordsRead = 0;
  while (position < endOffset) {
    if (cancelled()) return null;
    const { records } = await log.read(position, maxBytes);
    const { batches } = decodeRecordBatches(records);
    if (batches.length === 0) break;
    for (const batch of batches) {
      if (batch.isControl) continue;
      for (const record of batch.records) {
        if (record.offset >= endOffset) break;
        recordsRead++;
        if (record.key === null) {
          logger.warn(`Skipping record at offset ${record.offset} of __transaction_state: it has no key`);
          continue;
        }
        try {
          const id = decodeTxnLogKey(record.key);
          if (record.value === null) transactions.delete(id);
          else transactions.set(id, decodeTxnLogValue(id, record.value));
        } catch (err) {
          // Kafka fails the load here; skipping one unreadable record keeps every other id available.
          logger.warn(`Skipping unreadable record at offset ${record.offset} of __transaction_state: ${(err as Error).message}`);
        }
      }
    }
    position = batches[batches.length - 1].lastOffset + 1;
  }
  if (cancelled()) return null;
  return { transactions, recordsRead, endOffset };
}
