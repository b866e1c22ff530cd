/**
 * `samsa-leader-election`: Kafka's kafka-leader-election tool. Asks the controller to elect the
 * preferred replica as leader (after a broker came back, leadership stays wherever failover put
 * it) or, as a last resort, an out-of-sync replica for partitions with no leader at all.
 *
 * Output follows Kafka's LeaderElectionCommand line for line, so scripts that grep it keep
 * working: `Successfully completed leader election (PREFERRED) for partitions t-0, t-1`,
 * `Valid replica already elected for partitions t-2`, and one
 * `Error completing leader election (PREFERRED) for partition: t-3: <reason>` line per failure,
 * after which the tool fails with `N replica(s) could not be elected` and exit code 1.
 */
import { Admin, ElectionType, PartitionResult } from '../client/admin';
import type { ClientOptions } from '../client/client-options';
import type { TopicPartition } from '../client/partition-state';
import { ErrorCode } from '../protocol/errors';
import { LeaderElectionOptions, TOOL_NAME, electionTypeName, parseLeaderElectionArgs, readElectionJsonFile } from './leader-election-options';
import { compareTopicPartitions } from '../util/topic-partition';
import { formatTopicPartition, formatTopicPartitions } from './topic-partition-text';
import { CliIo, UsageError, clientOptionsFromProperties, errorMessage, loadClientProperties, openClient, printUsageError, processIo, runMain } from './options';

/** Kafka's tool waits 30 s for the election results. */
const ELECTION_TIMEOUT_MS = 30000;

/** The part of the Admin client this tool uses; tests substitute a fake. */
export interface LeaderElectionAdmin {
  connect(): Promise<void>;
  electLeaders(type: ElectionType, partitions: TopicPartition[] | null, opts?: { timeoutMs?: number }): Promise<PartitionResult[]>;
  close(): Promise<void>;
}

export interface LeaderElectionDeps {
  createAdmin?: (options: ClientOptions) => LeaderElectionAdmin;
}

export async function main(argv: string[], io: CliIo = processIo(), deps: LeaderElectionDeps = {}): Promise<number> {
  const parsed = parseLeaderElectionArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let partitions: TopicPartition[] | null;
  let clientOptions: ClientOptions;
  try {
    partitions = selectedPartitions(opts);
    clientOptions = clientOptionsFromProperties(loadClientProperties(opts.adminConfig), opts.bootstrapServers);
  } catch (err) {
    if (err instanceof UsageError) printUsageError(io, TOOL_NAME, err.message);
    else io.err(`${errorMessage(err)}\n`);
    return 1;
  }
  clientOptions.clientId ??= TOOL_NAME;
  const admin = await openClient(io, TOOL_NAME, () => (deps.createAdmin ?? ((o) => new Admin(o)))(clientOptions));
  if (!admin) return 1;
  try {
    const timeoutMs = clientOptions.requestTimeoutMs ?? ELECTION_TIMEOUT_MS;
    const results = await admin.electLeaders(opts.electionType, partitions, { timeoutMs });
    return report(results, opts.electionType, io);
  } catch (err) {
    io.err(`${errorMessage(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

function selectedPartitions(opts: LeaderElectionOptions): TopicPartition[] | null {
  if (opts.jsonFile !== undefined) return readElectionJsonFile(opts.jsonFile);
  if (opts.topic !== undefined && opts.partition !== undefined) return [{ topic: opts.topic, partition: opts.partition }];
  return null;
}

/** Prints Kafka's three kinds of lines; returns the exit code. */
export function report(results: readonly PartitionResult[], type: ElectionType, io: CliIo): number {
  const sorted = [...results].sort(compareTopicPartitions);
  const succeeded = sorted.filter((r) => r.error === null);
  const noop = sorted.filter((r) => r.error?.code === ErrorCode.ELECTION_NOT_NEEDED.code);
  const failed = sorted.filter((r) => r.error !== null && r.error.code !== ErrorCode.ELECTION_NOT_NEEDED.code);
  const name = electionTypeName(type);
  if (succeeded.length > 0) io.out(`Successfully completed leader election (${name}) for partitions ${formatTopicPartitions(succeeded, ', ')}\n`);
  if (noop.length > 0) io.out(`Valid replica already elected for partitions ${formatTopicPartitions(noop, ', ')}\n`);
  if (failed.length === 0) return 0;
  for (const r of failed) {
    io.out(`Error completing leader election (${name}) for partition: ${formatTopicPartition(r)}: ${errorMessage(r.error)}\n`);
  }
  io.err(`${failed.length} replica(s) could not be elected\n`);
  return 1;
}

if (require.main === module) runMain((argv) => main(argv));
