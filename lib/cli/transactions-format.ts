/**
 * The tables `samsa-transactions` prints, exactly as Kafka's TransactionsCommand.prettyPrintTable:
 * a header row and one row per item, each cell padded with spaces to its column's widest value
 * and followed by a tab (so every line ends with one). "None" stands for an absent value.
 */
import type { ProducerState, TransactionDescription, TransactionListing } from '../client/admin-transactions';

export const LIST_HEADERS = ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'];
export const DESCRIBE_HEADERS = [
  'CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs',
  'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions',
];
export const PRODUCERS_HEADERS = ['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset'];

export function prettyTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (row: readonly string[]) => `${row.map((cell, i) => `${cell.padEnd(widths[i])}\t`).join('')}\n`;
  return line(headers) + rows.map(line).join('');
}

/** Sorted by coordinator, then transactional id (Kafka prints the coordinators' answers as they come). */
export function listTable(listings: readonly TransactionListing[]): string {
  const sorted = [...listings].sort((a, b) => a.coordinatorId - b.coordinatorId || (a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0));
  return prettyTable(LIST_HEADERS, sorted.map((l) => [l.transactionalId, String(l.coordinatorId), String(l.producerId), l.state]));
}

export function describeTable(d: TransactionDescription, nowMs: number): string {
  const start = d.transactionStartTimeMs;
  return prettyTable(DESCRIBE_HEADERS, [[
    String(d.coordinatorId), d.transactionalId, String(d.producerId), String(d.producerEpoch), d.state, String(d.transactionTimeoutMs),
    start === null ? 'None' : String(start), start === null ? 'None' : String(nowMs - start),
    d.topicPartitions.map((tp) => `${tp.topic}-${tp.partition}`).join(','),
  ]]);
}

export function producersTable(producers: readonly ProducerState[]): string {
  return prettyTable(PRODUCERS_HEADERS, producers.map((p) => [
    String(p.producerId), String(p.producerEpoch), String(p.coordinatorEpoch ?? -1), String(p.lastSequence), String(p.lastTimestamp),
    p.currentTransactionStartOffset === null ? 'None' : String(p.currentTransactionStartOffset),
  ]));
}
