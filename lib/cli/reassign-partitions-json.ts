/**
 * The two JSON documents `samsa-reassign-partitions` reads and writes, in Kafka's formats so files
 * move freely between Kafka's tool and ours:
 *
 *   reassignment:     {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}
 *   topics to move:   {"version":1,"topics":[{"topic":"t"}]}
 *
 * Validation and messages follow Kafka's ReassignPartitionsCommand. A `log_dirs` entry other than
 * "any" names the directory the replica on that broker must end up in (AlterReplicaLogDirs).
 */
import type { TopicPartition } from '../client/partition-state';
import { CommandError } from './options';
import { compareTopicPartitions } from '../util/topic-partition';
import { formatTopicPartition } from './topic-partition-text';

export const ANY_LOG_DIR = 'any';

export interface PartitionTarget extends TopicPartition {
  replicas: number[];
  /** One per replica, "any" for the broker's choice; absent when all are "any". */
  logDirs?: string[];
}

/** Kafka's formatAsReassignmentJson: compact JSON, partitions sorted, every log dir "any". */
export function formatReassignmentJson(assignment: readonly PartitionTarget[]): string {
  const partitions = [...assignment].sort(compareTopicPartitions).map((p) => ({
    topic: p.topic, partition: p.partition, replicas: p.replicas, log_dirs: p.replicas.map(() => ANY_LOG_DIR),
  }));
  return JSON.stringify({ version: 1, partitions });
}

function parseDocument(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CommandError(`The ${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new CommandError(`The ${what} is not a JSON object`);
  const version = (doc as Record<string, unknown>).version ?? 1;
  if (version !== 1) throw new CommandError(`Not supported version field value ${String(version)}`);
  return doc as Record<string, unknown>;
}

function field<T>(obj: Record<string, unknown>, name: string, ok: (v: unknown) => v is T, expected: string, where: string): T {
  const value = obj[name];
  if (!ok(value)) throw new CommandError(`${where}: "${name}" must be ${expected}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isInt);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Parses a reassignment file as written, duplicates included, so they can be reported. */
export function parseReassignmentJson(text: string): PartitionTarget[] {
  const doc = parseDocument(text, 'reassignment file');
  const entries = doc.partitions ?? [];
  if (!Array.isArray(entries)) throw new CommandError('The reassignment file: "partitions" must be an array');
  return entries.map((entry: unknown, i: number): PartitionTarget => {
    if (entry === null || typeof entry !== 'object') throw new CommandError(`Partition entry ${i} is not a JSON object`);
    const fields = entry as Record<string, unknown>;
    const where = `Partition entry ${i}`;
    const topic = field(fields, 'topic', isString, 'a string', where);
    const partition = field(fields, 'partition', isInt, 'an integer', where);
    const replicas = field(fields, 'replicas', isIntList, 'a list of broker ids', where);
    const logDirs = fields.log_dirs === undefined ? replicas.map(() => ANY_LOG_DIR) : field(fields, 'log_dirs', isStringList, 'a list of strings', where);
    const tp = formatTopicPartition({ topic, partition });
    if (logDirs.length !== replicas.length) {
      throw new CommandError(`Size of replicas list [${replicas.join(', ')}] is different from size of log dirs list [${logDirs.join(', ')}] for partition ${tp}`);
    }
    return logDirs.some((d) => d !== ANY_LOG_DIR) ? { topic, partition, replicas, logDirs } : { topic, partition, replicas };
  });
}

/** The extra checks Kafka makes before executing: something to do, no empty lists, no duplicates. */
export function validateForExecute(targets: readonly PartitionTarget[]): void {
  if (targets.length === 0) throw new CommandError('Partition reassignment list cannot be empty');
  if (targets.some((t) => t.replicas.length === 0)) throw new CommandError('Partition replica list cannot be empty');
  const duplicatePartitions = duplicates(targets.map(formatTopicPartition));
  if (duplicatePartitions.length > 0) {
    throw new CommandError(`Partition reassignment contains duplicate topic partitions: ${duplicatePartitions.join(',')}`);
  }
  const duplicateReplicas = targets
    .map((t) => ({ tp: formatTopicPartition(t), dups: duplicates(t.replicas) }))
    .filter((d) => d.dups.length > 0)
    .map((d) => `${d.tp} contains multiple entries for ${d.dups.join(',')}`);
  if (duplicateReplicas.length > 0) {
    throw new CommandError(`Partition replica lists may not contain duplicate entries: ${duplicateReplicas.join('. ')}`);
  }
}

/** `{"version":1,"topics":[{"topic":"foo"}]}` → topic names, rejecting duplicates as Kafka does. */
export function parseTopicsToMoveJson(text: string): string[] {
  const doc = parseDocument(text, 'topics-to-move file');
  const entries = doc.topics ?? [];
  if (!Array.isArray(entries)) throw new CommandError('The topics-to-move file: "topics" must be an array');
  const topics = entries.map((entry: unknown, i: number) => {
    if (entry === null || typeof entry !== 'object') throw new CommandError(`Topic entry ${i} is not a JSON object`);
    return field(entry as Record<string, unknown>, 'topic', isString, 'a string', `Topic entry ${i}`);
  });
  const dups = duplicates(topics);
  if (dups.length > 0) throw new CommandError(`List of topics to reassign contains duplicate entries: ${dups.join(',')}`);
  return topics;
}

/** `--broker-list 1,2,3` → ids, rejecting non-integers and duplicates (Kafka's wording for the latter). */
export function parseBrokerList(text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  const bad = items.find((s) => !/^-?\d+$/.test(s));
  if (bad !== undefined) throw new CommandError(`Invalid --broker-list '${text}': '${bad}' is not a broker id`);
  const ids = items.map(Number);
  const dups = duplicates(ids);
  if (dups.length > 0) throw new CommandError(`Broker list contains duplicate entries: ${dups.join(',')}`);
  return ids;
}

function duplicates<T>(items: readonly T[]): T[] {
  const seen = new Set<T>();
  const dups = new Set<T>();
  for (const item of items) {
    if (seen.has(item)) dups.add(item);
    seen.add(item);
  }
  return [...dups];
}
