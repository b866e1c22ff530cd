/**
 * `samsa-transactions`: Kafka 3.0's kafka-transactions.sh. Lists the transactions every
 * coordinator knows, describes one transactional id, describes the producers a partition leader
 * tracks, and aborts a hanging transaction (by its start offset, found through DescribeProducers,
 * or by producer id, epoch and coordinator epoch) with an abort marker written to the partition
 * leader. Output is Kafka's tab-separated table; failures print Kafka's
 * "Failed to ...: <reason>. Enable debug logging for additional detail." and exit 1.
 */
import { Admin } from '../client/admin';
import type {
  AbortTransactionSpec, ProducerState, TransactionDescription, TransactionListing,
} from '../client/admin-transactions';
import type { ClientOptions } from '../client/client-options';
import type { TopicPartition } from '../client/partition-state';
import { describeTable, listTable, producersTable } from './transactions-format';
import { TOOL_NAME, TransactionsCommand, parseTransactionsArgs } from './transactions-options';
import {
  CliIo, CommandError, UsageError, clientOptionsFromProperties, errorMessage, loadClientProperties, openClient, printUsageError, processIo, runMain,
} from './options';

/** The part of the Admin client this tool uses; tests substitute a fake. */
export interface TransactionsAdmin {
  connect(): Promise<void>;
  listTransactions(): Promise<TransactionListing[]>;
  describeTransaction(transactionalId: string): Promise<TransactionDescription>;
  describeProducers(tp: TopicPartition, brokerId?: number): Promise<ProducerState[]>;
  abortTransaction(spec: AbortTransactionSpec): Promise<void>;
  close(): Promise<void>;
}

export async function main(
  argv: string[], io: CliIo = processIo(), createAdmin: (o: ClientOptions) => TransactionsAdmin = (o) => new Admin(o), now: () => number = Date.now,
): Promise<number> {
  const parsed = parseTransactionsArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let clientOptions: ClientOptions;
  try {
    clientOptions = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), opts.bootstrapServers);
  } catch (err) {
    if (err instanceof UsageError) printUsageError(io, TOOL_NAME, err.message);
    else io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  }
  clientOptions.clientId ??= TOOL_NAME;
  const admin = await openClient(io, TOOL_NAME, () => createAdmin(clientOptions));
  if (!admin) return 1;
  try {
    await run(admin, opts.command, io, now);
    return 0;
  } catch (err) {
    io.err(`${err instanceof CommandError ? err.message : errorMessage(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Kafka's printErrorAndExit(message, cause). */
function failed(what: string, cause: unknown): CommandError {
  return new CommandError(`${what}: ${errorMessage(cause)}. Enable debug logging for additional detail.`, { cause });
}

async function attempt<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw failed(what, err);
  }
}

async function run(admin: TransactionsAdmin, command: TransactionsCommand, io: CliIo, now: () => number): Promise<void> {
  switch (command.name) {
    case 'list':
      io.out(listTable(await attempt('Failed to list transactions', () => admin.listTransactions())));
      return;
    case 'describe': {
      const id = command.transactionalId;
      io.out(describeTable(await attempt(`Failed to describe transaction state of transactional-id \`${id}\``, () => admin.describeTransaction(id)), now()));
      return;
    }
    case 'describe-producers': {
      const tp = { topic: command.topic, partition: command.partition };
      const on = command.brokerId === undefined ? 'leader' : `broker ${command.brokerId}`;
      io.out(producersTable(await attempt(`Failed to describe producers for partition ${tp.topic}-${tp.partition} on ${on}`, () => admin.describeProducers(tp, command.brokerId))));
      return;
    }
    case 'abort': {
      const tp = { topic: command.topic, partition: command.partition };
      const t = command.target;
      const spec: AbortTransactionSpec = t.kind === 'producer'
        ? { ...tp, producerId: t.producerId, producerEpoch: t.producerEpoch, coordinatorEpoch: t.coordinatorEpoch }
        : await specAt(admin, tp, t.startOffset);
      await attempt(`Failed to abort transaction ${describeSpec(spec)}`, () => admin.abortTransaction(spec));
      return;
    }
  }
}

/** Kafka's buildAbortSpec: the producer whose open transaction on the partition starts at `startOffset`. */
async function specAt(admin: TransactionsAdmin, tp: TopicPartition, startOffset: number): Promise<AbortTransactionSpec> {
  const producers = await attempt(`Failed to validate producer state for partition ${tp.topic}-${tp.partition}`, () => admin.describeProducers(tp));
  const found = producers.find((p) => p.currentTransactionStartOffset === startOffset);
  if (!found) throw new CommandError(`Could not find any open transactions starting at offset ${startOffset} on partition ${tp.topic}-${tp.partition}`);
  return { ...tp, producerId: found.producerId, producerEpoch: found.producerEpoch, coordinatorEpoch: found.coordinatorEpoch ?? 0 };
}

/** Kafka's AbortTransactionSpec.toString. */
function describeSpec(s: AbortTransactionSpec): string {
  return `AbortTransactionSpec(topicPartition=${s.topic}-${s.partition}, producerId=${s.producerId}, producerEpoch=${s.producerEpoch}, coordinatorEpoch=${s.coordinatorEpoch})`;
}

if (require.main === module) runMain((argv) => main(argv));
