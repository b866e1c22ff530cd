/**
 * The tables `samsa-consumer-groups` prints, laid out exactly as Kafka's ConsumerGroupCommand
 * lays them out (left-aligned columns, each at least as wide as Kafka's minimum and widened to
 * the longest value, `-` for anything unknown), so scripts that parse Kafka's output keep working.
 * Pure functions from rows to text.
 */
import type { TopicPartition } from '../client/partition-state';

export const MISSING = '-';

/** One line of `--describe [--offsets]`. Undefined fields print as `-`. */
export interface OffsetRow {
  group: string;
  topic?: string;
  partition?: number;
  currentOffset?: number;
  logEndOffset?: number;
  lag?: number;
  consumerId?: string;
  host?: string;
  clientId?: string;
}

export interface MemberRow {
  group: string;
  consumerId: string;
  groupInstanceId: string;
  host: string;
  clientId: string;
  assignment: TopicPartition[];
}

export interface StateRow {
  group: string;
  coordinator: { nodeId: number; host: string; port: number };
  assignmentStrategy: string;
  state: string;
  numMembers: number;
}

export interface ResetRow extends TopicPartition {
  group: string;
  offset: number;
}

function pad(value: string | number | undefined, width: number): string {
  return String(value ?? MISSING).padEnd(width);
}

function widest(min: number, values: Iterable<string | undefined>): number {
  let width = min;
  for (const v of values) width = Math.max(width, (v ?? MISSING).length);
  return width;
}

/** `--describe --offsets`: a blank line, the header, one line per row. */
export function formatOffsets(rows: readonly OffsetRow[]): string {
  const g = widest(15, rows.map((r) => r.group));
  const t = widest(15, rows.map((r) => r.topic));
  const c = widest(15, rows.map((r) => r.consumerId));
  const h = widest(15, rows.map((r) => r.host));
  const line = (cols: Array<string | number | undefined>): string =>
    [pad(cols[0], g), pad(cols[1], t), pad(cols[2], 10), pad(cols[3], 15), pad(cols[4], 15), pad(cols[5], 15), pad(cols[6], c), pad(cols[7], h), String(cols[8] ?? MISSING)].join(' ');
  const out = ['', line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])];
  for (const r of rows) out.push(line([r.group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId]));
  return `${out.join('\n')}\n`;
}

/** Kafka's verbose ASSIGNMENT column: `topic(0,1), other(2)`, topics sorted; `-` for none. */
export function formatAssignment(partitions: readonly TopicPartition[]): string {
  if (partitions.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic]
    .map(([topic, list]) => `${topic}(${[...list].sort((a, b) => a - b).join(',')})`)
    .sort()
    .join(', ');
}

/** `--describe --members [--verbose]`; the GROUP-INSTANCE-ID column appears only when a member has one. */
export function formatMembers(rows: readonly MemberRow[], verbose: boolean): string {
  const withInstance = rows.some((r) => r.groupInstanceId.length > 0);
  const widths = [
    widest(15, rows.map((r) => r.group)), widest(15, rows.map((r) => r.consumerId)),
    ...(withInstance ? [widest(17, rows.map((r) => r.groupInstanceId))] : []),
    widest(15, rows.map((r) => r.host)), widest(15, rows.map((r) => r.clientId)), 15,
  ];
  const line = (cols: Array<string | number>, last: string): string => `${cols.map((v, i) => pad(v, widths[i])).join(' ')} ${last}`;
  const header = ['GROUP', 'CONSUMER-ID', ...(withInstance ? ['GROUP-INSTANCE-ID'] : []), 'HOST', 'CLIENT-ID', '#PARTITIONS'];
  const out = ['', line(header, verbose ? 'ASSIGNMENT' : '')];
  for (const r of rows) {
    const cols = [r.group, r.consumerId, ...(withInstance ? [r.groupInstanceId] : []), r.host, r.clientId, r.assignment.length];
    out.push(line(cols, verbose ? formatAssignment(r.assignment) : ''));
  }
  return `${out.join('\n')}\n`;
}

/** `--describe --state`: GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS. */
export function formatState(row: StateRow): string {
  const coordinator = `${row.coordinator.host}:${row.coordinator.port} (${row.coordinator.nodeId})`;
  const g = Math.max(15, row.group.length);
  const c = Math.max(25, coordinator.length);
  const line = (cols: Array<string | number>): string => `${pad(cols[0], g)} ${pad(cols[1], c)} ${pad(cols[2], 20)} ${pad(cols[3], 15)} ${cols[4]}`;
  return `\n${line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'])}\n${line([row.group, coordinator, row.assignmentStrategy, row.state, row.numMembers])}\n`;
}

/** `--reset-offsets`: GROUP TOPIC PARTITION NEW-OFFSET, as planned (dry run) or applied. */
export function formatReset(rows: readonly ResetRow[]): string {
  const line = (cols: Array<string | number>): string => `${pad(cols[0], 30)} ${pad(cols[1], 30)} ${pad(cols[2], 10)} ${pad(cols[3], 15)}`;
  const out = ['', line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])];
  for (const r of rows) out.push(line([r.group, r.topic, r.partition, r.offset]));
  return `${out.join('\n')}\n`;
}

/** `--list --state`: GROUP STATE. */
export function formatGroupStates(groups: ReadonlyArray<{ groupId: string; state: string }>): string {
  const g = widest(15, groups.map((x) => x.groupId));
  return [`${pad('GROUP', g)} STATE`, ...groups.map((x) => `${pad(x.groupId, g)} ${x.state}`)].map((l) => `${l}\n`).join('');
}

/**
 * What Kafka prints before a group's table: nothing for Stable, a notice on stderr for Empty or
 * rebalancing groups, an error for one that does not exist (then no table).
 */
export function groupStateNotice(group: string, state: string): { error?: string; notice?: string } {
  switch (state) {
    case 'Dead':
      return { error: `Consumer group '${group}' does not exist.` };
    case 'Empty':
      return { notice: `\nConsumer group '${group}' has no active members.\n` };
    case 'PreparingRebalance':
    case 'CompletingRebalance':
      return { notice: `\nWarning: Consumer group '${group}' is rebalancing.\n` };
    default:
      return {};
  }
}
