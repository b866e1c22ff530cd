/**
 * `samsa-consumer-groups`: Kafka's kafka-consumer-groups tool — list groups, describe one (its
 * partitions with lag, its members, or its state), reset its committed offsets (or export the
 * plan as CSV, or apply one from a file), delete some of its offsets, delete it.
 *
 * Output follows Kafka's ConsumerGroupCommand column for column (consumer-groups-format.ts).
 * Where Kafka prints an error and still exits 0 (a group that does not exist, a reset refused
 * because the group is active, a failed deletion), this tool prints the same words on stderr and
 * exits 1, so scripts can tell.
 */
import { promises as fsp } from 'fs';
import { Admin } from '../client/admin';
import type { ConsumerGroupDescription, ConsumerGroupListing, GroupOffset } from '../client/admin-groups';
import type { TopicPartitionOffset } from '../client/offset-committer';
import { SamsaError } from '../protocol/errors';
import {
  formatGroupStates, formatMembers, formatOffsets, formatReset, formatState, groupStateNotice, OffsetRow, ResetRow,
} from './consumer-groups-format';
import { DRY_RUN_WARNING, GroupsCommandOptions, parseConsumerGroupsArgs, TOOL_NAME } from './consumer-groups-options';
import { exportCsv, parseResetPlan, ResetPlan } from './consumer-groups-csv';
import { deleteOffsets, DeleteOffsetsBackend } from './consumer-groups-delete-offsets';
import { planReset, ResetBackend } from './consumer-groups-reset';
import { translatedOffsets } from './consumer-groups-translated';
import {
  CliIo, clientOptionsFromProperties, CommandError, errorMessage, loadClientProperties, printUsageError, processIo, runMain, UsageError,
} from './options';

/** The admin calls the tool makes; the Admin client has them all, tests substitute a fake. */
export interface GroupsBackend extends ResetBackend, DeleteOffsetsBackend {
  listConsumerGroups(states?: string[]): Promise<ConsumerGroupListing[]>;
  describeConsumerGroups(groupIds: string[]): Promise<ConsumerGroupDescription[]>;
  alterConsumerGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  deleteConsumerGroups(groupIds: string[]): Promise<Map<string, SamsaError | null>>;
  close(): Promise<void>;
}

export interface ConsumerGroupsDeps {
  openBackend?: (opts: GroupsCommandOptions) => Promise<GroupsBackend>;
}

export async function main(argv: string[], io: CliIo = processIo(), deps: ConsumerGroupsDeps = {}): Promise<number> {
  const parsed = parseConsumerGroupsArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  if (opts.dryRunImplied) io.err(`${DRY_RUN_WARNING}\n`);
  let backend: GroupsBackend | undefined;
  try {
    backend = await (deps.openBackend ?? openAdmin)(opts);
    return await runAction(backend, opts, io);
  } catch (err) {
    if (err instanceof UsageError) {
      printUsageError(io, TOOL_NAME, err.message);
      return 1;
    }
    io.err(`Error: Executing consumer group command failed due to ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await backend?.close().catch(() => undefined);
  }
}

async function openAdmin(opts: GroupsCommandOptions): Promise<GroupsBackend> {
  const props = loadClientProperties(opts.commandConfig);
  const options = clientOptionsFromProperties(props, opts.bootstrapServers);
  options.clientId ??= TOOL_NAME;
  options.requestTimeoutMs ??= opts.timeoutMs;
  const admin = new Admin(options);
  try {
    await admin.connect();
  } catch (err) {
    await admin.close();
    throw err;
  }
  return Object.assign(admin, {
    translatedOffsets: (group: string, topic: string | null) => translatedOffsets(options, () => admin.listTopics(), group, topic),
  });
}

async function runAction(backend: GroupsBackend, opts: GroupsCommandOptions, io: CliIo): Promise<number> {
  if (opts.action === 'list') return listGroups(backend, opts, io);
  if (opts.action === 'delete-offsets') return deleteOffsets(backend, opts.groups[0], opts.topics, io);
  const groupIds = opts.allGroups ? (await backend.listConsumerGroups()).map((g) => g.groupId) : opts.groups;
  switch (opts.action) {
    case 'describe':
      return describeGroups(backend, opts, groupIds, io);
    case 'delete':
      return deleteGroups(backend, groupIds, io);
    case 'reset-offsets':
      return resetOffsets(backend, opts, groupIds, io);
  }
}

async function listGroups(backend: GroupsBackend, opts: GroupsCommandOptions, io: CliIo): Promise<number> {
  if (opts.listStates !== null) {
    const groups = await backend.listConsumerGroups(opts.listStates);
    io.out(formatGroupStates(groups));
    return 0;
  }
  const groups = await backend.listConsumerGroups();
  if (groups.length > 0) io.out(groups.map((g) => `${g.groupId}\n`).join(''));
  return 0;
}

async function describeGroups(backend: GroupsBackend, opts: GroupsCommandOptions, groupIds: string[], io: CliIo): Promise<number> {
  const descriptions = (await backend.describeConsumerGroups(groupIds)).sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  let exitCode = 0;
  for (const d of descriptions) {
    const { error, notice } = groupStateNotice(d.groupId, d.state);
    if (error) {
      io.err(`\nError: ${error}\n`);
      exitCode = 1;
      continue;
    }
    if (opts.view === 'state') {
      if (notice) io.err(notice);
      io.out(formatState({ group: d.groupId, coordinator: d.coordinator, assignmentStrategy: d.partitionAssignor, state: d.state, numMembers: d.members.length }));
    } else if (opts.view === 'members') {
      if (notice) io.err(notice);
      const rows = d.members.map((m) => ({
        group: d.groupId, consumerId: m.memberId, groupInstanceId: m.groupInstanceId ?? '', host: m.host, clientId: m.clientId, assignment: m.assignment,
      }));
      if (rows.length > 0) io.out(formatMembers(rows, opts.verbose));
    } else {
      const rows = await offsetRows(backend, d);
      if (notice) io.err(notice);
      if (rows.length > 0) io.out(formatOffsets(rows));
    }
  }
  return exitCode;
}

/**
 * Kafka's collectGroupOffsets: partitions of members that have some, biggest assignment first and
 * each member's partitions by number; then committed partitions nobody is assigned, with `-` for
 * the consumer columns.
 */
async function offsetRows(backend: GroupsBackend, d: ConsumerGroupDescription): Promise<OffsetRow[]> {
  const committed = new Map((await backend.listConsumerGroupOffsets(d.groupId)).map((o) => [`${o.topic}\u0000${o.partition}`, o]));
  const rows: OffsetRow[] = [];
  const assigned = new Set<string>();
  const members = d.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length);
  for (const m of members) {
    for (const tp of [...m.assignment].sort((a, b) => a.partition - b.partition)) {
      const key = `${tp.topic}\u0000${tp.partition}`;
      assigned.add(key);
      rows.push({ group: d.groupId, topic: tp.topic, partition: tp.partition, currentOffset: committed.get(key)?.offset, consumerId: m.memberId, host: m.host, clientId: m.clientId });
    }
  }
  const unassigned = [...committed].filter(([key]) => !assigned.has(key)).map(([, o]) => o).sort(byTopicPartition);
  for (const o of unassigned) rows.push({ group: d.groupId, topic: o.topic, partition: o.partition, currentOffset: o.offset });
  const ends = await Promise.all(rows.map((r) => backend.listOffsets(r.topic as string, r.partition as number, 'latest').catch(() => undefined)));
  rows.forEach((r, i) => {
    r.logEndOffset = ends[i];
    if (r.currentOffset !== undefined && r.logEndOffset !== undefined) r.lag = r.logEndOffset - r.currentOffset;
  });
  return rows;
}

function byTopicPartition(a: GroupOffset, b: GroupOffset): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

async function deleteGroups(backend: GroupsBackend, groupIds: string[], io: CliIo): Promise<number> {
  const results = await backend.deleteConsumerGroups(groupIds);
  const quoted = (ids: string[]): string => ids.map((id) => `'${id}'`).join(', ');
  const succeeded = [...results].filter(([, err]) => err === null).map(([id]) => id);
  const failed = [...results].filter(([, err]) => err !== null) as Array<[string, SamsaError]>;
  if (failed.length === 0) {
    io.out(`Deletion of requested consumer groups (${quoted(succeeded)}) was successful.\n`);
    return 0;
  }
  io.err('\nError: Deletion of some consumer groups failed:\n');
  for (const [id, err] of failed) io.err(`* Group '${id}' could not be deleted due to: ${err.errorName}: ${errorMessage(err)}\n`);
  if (succeeded.length > 0) io.out(`\nThese consumer groups were deleted successfully: ${quoted(succeeded)}\n`);
  return 1;
}

/** Resets only groups without active members (Empty, or Dead: never used), as Kafka requires. */
async function resetOffsets(backend: GroupsBackend, opts: GroupsCommandOptions, groupIds: string[], io: CliIo): Promise<number> {
  const plan = opts.scenario?.kind === 'from-file' ? await readPlan(opts.scenario.path, opts) : undefined;
  const nowMs = Date.now();
  const descriptions = await backend.describeConsumerGroups(groupIds);
  const planned: ResetRow[] = [];
  let anyPlanned = false;
  let exitCode = 0;
  for (const d of descriptions) {
    if (d.state !== 'Empty' && d.state !== 'Dead') {
      io.err(`\nError: Assignments can only be reset if the group '${d.groupId}' is inactive, but the current state is ${d.state}.\n`);
      exitCode = 1;
      continue;
    }
    const rows = await planReset(backend, {
      group: d.groupId, topics: opts.topics, allTopics: opts.allTopics, scenario: opts.scenario!, warn: (text) => io.err(text), plan, nowMs,
    });
    if (opts.execute) await backend.alterConsumerGroupOffsets(d.groupId, rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.offset })));
    planned.push(...rows);
    anyPlanned = true;
  }
  if (opts.exportCsv) io.out(exportCsv(planned, opts.groups.length === 1));
  else if (anyPlanned) io.out(formatReset(planned));
  return exitCode;
}

async function readPlan(file: string, opts: GroupsCommandOptions): Promise<ResetPlan> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new CommandError(`cannot read the reset plan ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
  }
  return parseResetPlan(text, file, opts.groups.length === 1 ? opts.groups[0] : null);
}

if (require.main === module) runMain((argv) => main(argv));
