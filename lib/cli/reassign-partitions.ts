/**
 * `samsa-reassign-partitions`: Kafka's kafka-reassign-partitions tool. Moves partition replicas
 * between brokers through the controller's reassignment APIs (KIP-455): --generate proposes a
 * layout over a broker list, --execute starts the moves (printing the current layout first, for
 * rollback), --verify reports progress, --cancel stops moves in flight, --list shows them.
 * `log_dirs` entries other than "any" also move those replicas to a log directory of their broker
 * (AlterReplicaLogDirs, retried until the reassignment has put the replica there).
 *
 * Output lines are Kafka's (`Successfully started partition reassignments for t-0,t-1`,
 * `Reassignment of partition t-0 is completed.`, ...). Failures go to stderr with exit code 1;
 * Kafka prints them to stdout, but every Samsa tool keeps stdout for results.
 */
import * as fs from 'fs';
import { Admin } from '../client/admin';
import type { ClusterDescription, NewPartitionReassignment, PartitionReassignment, PartitionResult, TopicDescription } from '../client/admin';
import type { ReplicaLogDirMove } from '../client/admin-log-dirs';
import type { ClientOptions } from '../client/client-options';
import type { TopicPartition } from '../client/partition-state';
import { assignReplicasToBrokers } from '../controller/replica-assignment';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { CliIo, CommandError, UsageError, clientOptionsFromProperties, errorMessage, loadClientProperties, openClient, printUsageError, processIo, runMain } from './options';
import {
  ANY_LOG_DIR, PartitionTarget, formatReassignmentJson, parseBrokerList, parseReassignmentJson, parseTopicsToMoveJson, validateForExecute,
} from './reassign-partitions-json';
import { ReassignOptions, TOOL_NAME, parseReassignArgs } from './reassign-partitions-options';
import { compareTopicPartitions } from '../util/topic-partition';
import { formatTopicPartition, formatTopicPartitions } from './topic-partition-text';
import { sleep } from '../util/time';
import { clearAllThrottles, setLogDirThrottle, setReassignmentThrottle, ThrottleAdmin, verifyPeriodicallyMessage } from './reassign-throttles';

/** The part of the Admin client this tool uses; tests substitute a fake. */
export interface ReassignAdmin {
  connect(): Promise<void>;
  describeTopics(names: string[]): Promise<TopicDescription[]>;
  describeCluster(): Promise<ClusterDescription>;
  listPartitionReassignments(partitions: TopicPartition[] | null, opts?: { timeoutMs?: number }): Promise<PartitionReassignment[]>;
  alterPartitionReassignments(reassignments: NewPartitionReassignment[], opts?: { timeoutMs?: number }): Promise<PartitionResult[]>;
  alterReplicaLogDirs(moves: ReplicaLogDirMove[]): Promise<Array<SamsaError | null>>;
  /** Sets and clears the replication throttles (reassign-throttles.ts). */
  incrementalAlterConfigs: ThrottleAdmin['incrementalAlterConfigs'];
  close(): Promise<void>;
}

export interface ReassignDeps {
  createAdmin?: (options: ClientOptions) => ReassignAdmin;
  /** Random source for --generate's placement start, for deterministic tests. */
  random?: () => number;
}

const CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE = 'Cannot execute because there is an existing partition assignment.  '
  + 'Use --additional to override this and create a new partition assignment in addition to the existing one. '
  + 'The --additional flag can also be used to change the throttle by resubmitting the current reassignment.';

/** What the user's files said, read before connecting so a bad file fails fast. */
type Inputs = { targets: PartitionTarget[] } | { topics: string[]; brokers: number[] } | Record<string, never>;

export async function main(argv: string[], io: CliIo = processIo(), deps: ReassignDeps = {}): Promise<number> {
  const parsed = parseReassignArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let inputs: Inputs;
  let clientOptions: ClientOptions;
  try {
    inputs = readInputs(opts);
    clientOptions = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), opts.bootstrapServers);
  } catch (err) {
    if (err instanceof UsageError) printUsageError(io, TOOL_NAME, err.message);
    else io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  }
  clientOptions.clientId ??= 'reassign-partitions-tool';
  const admin = await openClient(io, TOOL_NAME, () => (deps.createAdmin ?? ((o) => new Admin(o)))(clientOptions));
  if (!admin) return 1;
  try {
    return await runAction(admin, opts, inputs, io, deps.random ?? Math.random);
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

function readInputs(opts: ReassignOptions): Inputs {
  if (opts.reassignmentJsonFile !== undefined) return { targets: parseReassignmentJson(readFile(opts.reassignmentJsonFile)) };
  if (opts.topicsToMoveJsonFile !== undefined) {
    return { topics: parseTopicsToMoveJson(readFile(opts.topicsToMoveJsonFile)), brokers: parseBrokerList(opts.brokerList as string) };
  }
  return {};
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CommandError(code === 'ENOENT' ? `${file} (No such file or directory)` : `Unable to read ${file}: ${(err as Error).message}`);
  }
}

function runAction(admin: ReassignAdmin, opts: ReassignOptions, inputs: Inputs, io: CliIo, random: () => number): Promise<number> {
  const targets = 'targets' in inputs ? inputs.targets : [];
  switch (opts.action) {
    case 'execute':
      return executeAssignment(admin, targets, opts, io);
    case 'verify':
      return verifyAssignment(admin, targets, opts.preserveThrottles, io);
    case 'cancel':
      return cancelAssignment(admin, targets, opts.timeoutMs, io);
    case 'list':
      return listReassignments(admin, io);
    case 'generate': {
      const { topics, brokers } = inputs as { topics: string[]; brokers: number[] };
      return generateAssignment(admin, topics, brokers, io, random);
    }
  }
}

async function executeAssignment(admin: ReassignAdmin, targets: PartitionTarget[], opts: ReassignOptions, io: CliIo): Promise<number> {
  validateForExecute(targets);
  const ongoing = await admin.listPartitionReassignments(null, { timeoutMs: opts.timeoutMs });
  if (!opts.additional && ongoing.length > 0) {
    io.err(`${CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE}\n`);
    return 1;
  }
  await verifyBrokerIds(admin, targets);
  const current = await currentReplicas(admin, targets);
  io.out(`Current partition replica assignment\n\n${formatReassignmentJson(current)}\n\n`
    + 'Save this to use as the --reassignment-json-file option during rollback\n');
  if (opts.throttle !== undefined || opts.replicaAlterLogDirsThrottle !== undefined) {
    io.out(`${verifyPeriodicallyMessage(opts.throttle, opts.replicaAlterLogDirsThrottle)}\n`);
    if (opts.throttle !== undefined) await setReassignmentThrottle(admin, current, targets, opts.throttle);
    // Kafka throttles log-directory moves on the brokers whose replicas name a directory.
    const movingBrokers = targets.flatMap((t) => (t.logDirs ?? []).flatMap((dir, i) => (dir === ANY_LOG_DIR ? [] : [t.replicas[i]])));
    if (opts.replicaAlterLogDirsThrottle !== undefined) await setLogDirThrottle(admin, movingBrokers, opts.replicaAlterLogDirsThrottle);
  }
  const results = await admin.alterPartitionReassignments(targets.map(({ topic, partition, replicas }) => ({ topic, partition, replicas })), { timeoutMs: opts.timeoutMs });
  const failed = failures(results);
  if (failed.length > 0) {
    io.err(`Error reassigning partition(s):\n${failed.join('\n')}\n`);
    return 1;
  }
  io.out(`Successfully started partition reassignment${targets.length === 1 ? '' : 's'} for ${formatTopicPartitions(targets)}\n`);
  const moves = targets.flatMap((t) => (t.logDirs ?? []).flatMap((logDir, i) => (logDir === ANY_LOG_DIR ? [] : [{ topic: t.topic, partition: t.partition, brokerId: t.replicas[i], logDir }])));
  return moves.length === 0 ? 0 : executeMoves(admin, moves, opts.timeoutMs, io);
}

/**
 * Kafka's executeMoves: AlterReplicaLogDirs for every replica given a directory, again every 100 ms
 * for those not on their broker yet (REPLICA_NOT_AVAILABLE: the reassignment is still adding
 * them), until all moves started or `timeoutMs` passed. Replicas print as topic-partition-broker.
 */
async function executeMoves(admin: ReassignAdmin, moves: ReplicaLogDirMove[], timeoutMs: number, io: CliIo): Promise<number> {
  const name = (m: ReplicaLogDirMove): string => `${m.topic}-${m.partition}-${m.brokerId}`;
  const deadline = Date.now() + timeoutMs;
  let pending = moves;
  for (;;) {
    const errors = await admin.alterReplicaLogDirs(pending);
    const failed = pending.find((_, i) => errors[i] !== null && errors[i]!.code !== ErrorCode.REPLICA_NOT_AVAILABLE.code);
    if (failed) {
      io.err(`Failed to alter dir for ${name(failed)}: ${errorMessage(errors[pending.indexOf(failed)])}\n`);
      return 1;
    }
    const started = pending.filter((_, i) => errors[i] === null);
    if (started.length > 0) io.out(`Successfully started log directory move${started.length === 1 ? '' : 's'} for: ${started.map(name).sort().join(', ')}\n`);
    pending = pending.filter((_, i) => errors[i] !== null);
    if (pending.length === 0) return 0;
    if (Date.now() >= deadline) {
      io.err(`Timed out before log directory move${pending.length === 1 ? '' : 's'} could be started for: ${pending.map(name).sort().join(', ')}\n`);
      return 1;
    }
    await sleep(100);
  }
}

/** Kafka checks the brokers against the cluster before asking the controller. */
async function verifyBrokerIds(admin: ReassignAdmin, targets: readonly PartitionTarget[]): Promise<void> {
  const known = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  const unknown = targets.flatMap((t) => t.replicas).find((id) => !known.has(id));
  if (unknown !== undefined) throw new CommandError(`Unknown broker id ${unknown}`);
}

/** The replicas each target partition has now; a missing topic or partition is an error. */
async function currentReplicas(admin: ReassignAdmin, partitions: readonly TopicPartition[]): Promise<PartitionTarget[]> {
  const described = await describeByName(admin, [...new Set(partitions.map((p) => p.topic))]);
  const missing = partitions.filter((p) => !described.get(p.topic)?.partitions.some((info) => info.partition === p.partition));
  const absentTopic = missing.find((p) => !described.has(p.topic));
  if (absentTopic) throw new CommandError(`Topic ${absentTopic.topic} not found.`);
  if (missing.length > 0) throw new CommandError(`Unable to find partition: ${missing.map(formatTopicPartition).join(', ')}`);
  return partitions.map((p) => ({ ...p, replicas: replicasOf(described, p) ?? [] }));
}

/** Descriptions of the named topics that exist (absent ones are left out of the map). */
async function describeByName(admin: ReassignAdmin, topics: string[]): Promise<Map<string, TopicDescription>> {
  const found = await Promise.all(topics.map(async (topic) => {
    try {
      return (await admin.describeTopics([topic]))[0];
    } catch (err) {
      if (err instanceof SamsaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code) return undefined;
      throw err;
    }
  }));
  return new Map(found.filter((d): d is TopicDescription => d !== undefined).map((d) => [d.name, d]));
}

function replicasOf(described: ReadonlyMap<string, TopicDescription>, tp: TopicPartition): number[] | undefined {
  return described.get(tp.topic)?.partitions.find((p) => p.partition === tp.partition)?.replicas;
}

function failures(results: readonly PartitionResult[]): string[] {
  return results
    .filter((r) => r.error !== null)
    .sort(compareTopicPartitions)
    .map((r) => `${formatTopicPartition(r)}: ${errorMessage(r.error)}`);
}

async function verifyAssignment(admin: ReassignAdmin, targets: PartitionTarget[], preserveThrottles: boolean, io: CliIo): Promise<number> {
  const ongoing = new Map((await admin.listPartitionReassignments(null)).map((r) => [formatTopicPartition(r), r]));
  const settled = targets.filter((t) => !ongoing.has(formatTopicPartition(t)));
  const described = await describeByName(admin, [...new Set(settled.map((t) => t.topic))]);
  const lines = ['Status of partition reassignment:'];
  for (const target of [...targets].sort(compareTopicPartitions)) {
    const tp = formatTopicPartition(target);
    if (ongoing.has(tp)) {
      lines.push(`Reassignment of partition ${tp} is still in progress.`);
      continue;
    }
    const current = replicasOf(described, target) ?? [];
    if (sameList(current, target.replicas)) lines.push(`Reassignment of partition ${tp} is completed.`);
    else lines.push(`There is no active reassignment of partition ${tp}, but replica set is ${current.join(',')} rather than ${target.replicas.join(',')}.`);
  }
  // Kafka then prints its replica-move states, an empty line when no replica changes log directory.
  io.out(`${lines.join('\n')}\n\n`);
  // Kafka clears every throttle once nothing named is moving: it cannot tell which brokers took part.
  if (!preserveThrottles && !targets.some((t) => ongoing.has(formatTopicPartition(t)))) {
    await clearAllThrottles(admin, (await admin.describeCluster()).brokers.map((b) => b.nodeId), targets, io);
  }
  return 0;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function cancelAssignment(admin: ReassignAdmin, targets: PartitionTarget[], timeoutMs: number, io: CliIo): Promise<number> {
  const wanted = targets.map(({ topic, partition }) => ({ topic, partition }));
  const active = (await admin.listPartitionReassignments(wanted, { timeoutMs }))
    .filter((r) => r.addingReplicas.length > 0 || r.removingReplicas.length > 0);
  if (active.length === 0) {
    io.out('None of the specified partition reassignments are active.\n');
    return 0;
  }
  const results = await admin.alterPartitionReassignments(active.map(({ topic, partition }) => ({ topic, partition, replicas: null })), { timeoutMs });
  const failed = failures(results);
  if (failed.length > 0) {
    io.err(`Error cancelling partition reassignment${failed.length === 1 ? '' : 's'} for:\n${failed.join('\n')}\n`);
    return 1;
  }
  io.out(`Successfully cancelled partition reassignment${active.length === 1 ? '' : 's'} for: ${formatTopicPartitions(active)}\n`);
  return 0;
}

async function listReassignments(admin: ReassignAdmin, io: CliIo): Promise<number> {
  const ongoing = [...await admin.listPartitionReassignments(null)].sort(compareTopicPartitions);
  if (ongoing.length === 0) {
    io.out('No partition reassignments found.\n');
    return 0;
  }
  const lines = ongoing.map((r) => `${formatTopicPartition(r)}: replicas: ${r.replicas.join(',')}.`
    + (r.addingReplicas.length > 0 ? ` adding: ${r.addingReplicas.join(',')}.` : '')
    + (r.removingReplicas.length > 0 ? ` removing: ${r.removingReplicas.join(',')}.` : ''));
  io.out(`Current partition reassignments:\n${lines.join('\n')}\n`);
  return 0;
}

/**
 * Proposes a layout for every partition of `topics` over the listed brokers that exist, with the
 * same placement a new topic gets (lib/controller/replica-assignment.ts), keeping each topic's
 * partition count and replication factor.
 */
async function generateAssignment(admin: ReassignAdmin, topics: string[], brokers: number[], io: CliIo, random: () => number): Promise<number> {
  const described = await describeByName(admin, topics);
  const absent = topics.find((t) => !described.has(t));
  if (absent !== undefined) throw new CommandError(`Topic ${absent} not found.`);
  const live = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  const available = brokers.filter((id) => live.has(id));
  const current: PartitionTarget[] = [];
  const proposed: PartitionTarget[] = [];
  for (const desc of described.values()) {
    current.push(...desc.partitions.map((p) => ({ topic: desc.name, partition: p.partition, replicas: p.replicas })));
    const replicationFactor = desc.partitions[0]?.replicas.length ?? 0;
    if (desc.partitions.length === 0) continue;
    const layout = assignReplicasToBrokers(available, desc.partitions.length, replicationFactor, -1, -1, random);
    for (const [partition, replicas] of layout) proposed.push({ topic: desc.name, partition, replicas });
  }
  io.out(`Current partition replica assignment\n${formatReassignmentJson(current)}\n\n`
    + `Proposed partition reassignment configuration\n${formatReassignmentJson(proposed)}\n`);
  return 0;
}

if (require.main === module) runMain((argv) => main(argv));
