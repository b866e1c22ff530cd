/**
 * The plan behind `samsa-consumer-groups --reset-offsets`: which partitions (the scope: --topic
 * or --all-topics) move to which offset (the scenario), computed the way Kafka's
 * ConsumerGroupCommand computes it. Explicit offsets (--to-offset, --shift-by) are clamped into
 * the partition's [earliest, latest] range with a warning, and --to-datetime (and --by-duration,
 * which means the datetime now minus the duration) falls back to the log end for partitions with
 * nothing that recent. --from-file takes partitions and offsets from a plan (consumer-groups-csv.ts),
 * clamped the same way. --to-translated takes them from a samsa-mirror-maker's checkpoints.
 */
import type { GroupOffset } from '../client/admin-groups';
import type { TopicPartition } from '../client/partition-state';
import type { ResetPlan } from './consumer-groups-csv';
import type { ResetRow } from './consumer-groups-format';
import type { ResetScenario, TopicScope } from './consumer-groups-options';
import { UsageError } from './options';

/** The admin calls a plan needs (the Admin client has them; tests pass a fake). */
export interface ResetBackend {
  listConsumerGroupOffsets(groupId: string): Promise<GroupOffset[]>;
  describeTopics(names: string[]): Promise<Array<{ name: string; partitions: Array<{ partition: number }> }>>;
  listOffsets(topic: string, partition: number, spec: 'earliest' | 'latest' | number): Promise<number>;
  /** --to-translated: the group's latest checkpoints on this (target) cluster (consumer-groups-translated.ts). */
  translatedOffsets?(group: string, checkpointsTopic: string | null): Promise<Array<TopicPartition & { downstreamOffset: number }>>;
}

export interface ResetRequest {
  group: string;
  topics: TopicScope[];
  allTopics: boolean;
  scenario: ResetScenario;
  /** Where clamping warnings go (stderr). */
  warn(text: string): void;
  /** --from-file's plan, read by the caller. */
  plan?: ResetPlan;
  /** The clock --by-duration counts back from. */
  nowMs?: number;
}

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;
const name = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

export async function planReset(backend: ResetBackend, req: ResetRequest): Promise<ResetRow[]> {
  if (req.scenario.kind === 'from-file') return planFromFile(backend, req);
  if (req.scenario.kind === 'to-translated') return planTranslated(backend, req, req.scenario.checkpointsTopic);
  const committedList = await backend.listConsumerGroupOffsets(req.group);
  const committed = new Map(committedList.map((o) => [key(o), o.offset]));
  const partitions = await partitionsToReset(backend, req, committedList);
  const offsets = await Promise.all(partitions.map((tp) => newOffset(backend, req, tp, committed.get(key(tp)))));
  return partitions
    .map((tp, i) => ({ group: req.group, topic: tp.topic, partition: tp.partition, offset: offsets[i] }))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

async function planFromFile(backend: ResetBackend, req: ResetRequest): Promise<ResetRow[]> {
  const entries = req.plan?.get(req.group);
  if (entries === undefined) {
    req.warn(`\nError: No reset plan for group ${req.group} found\n`);
    return [];
  }
  const offsets = await Promise.all(entries.map((e) => clamp(backend, req, e, e.offset)));
  return entries
    .map((e, i) => ({ group: req.group, topic: e.topic, partition: e.partition, offset: offsets[i] }))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/**
 * The mirror maker's checkpoints say where on this cluster the group resumes without skipping a
 * record. With --all-topics every checkpointed partition moves; with --topic only those named.
 * A partition without a checkpoint is left alone, with a warning.
 */
async function planTranslated(backend: ResetBackend, req: ResetRequest, checkpointsTopic: string | null): Promise<ResetRow[]> {
  if (!backend.translatedOffsets) throw new UsageError('--to-translated is not available here');
  const checkpoints = await backend.translatedOffsets(req.group, checkpointsTopic);
  const translated = new Map(checkpoints.map((c) => [key(c), c.downstreamOffset]));
  const partitions = req.allTopics ? checkpoints.map((c) => ({ topic: c.topic, partition: c.partition })) : await partitionsToReset(backend, req, []);
  const rows: ResetRow[] = [];
  for (const tp of partitions) {
    const offset = translated.get(key(tp));
    if (offset === undefined) {
      req.warn(`No checkpoint of group ${req.group} for partition ${name(tp)}: its offset is left unchanged\n`);
      continue;
    }
    rows.push({ group: req.group, topic: tp.topic, partition: tp.partition, offset: await clamp(backend, req, tp, offset) });
  }
  return rows.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

async function partitionsToReset(backend: ResetBackend, req: ResetRequest, committed: readonly GroupOffset[]): Promise<TopicPartition[]> {
  if (req.allTopics) return committed.map((o) => ({ topic: o.topic, partition: o.partition }));
  if (req.topics.length === 0) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  const out = new Map<string, TopicPartition>();
  const whole = req.topics.filter((s) => s.partitions === null).map((s) => s.topic);
  const described = whole.length > 0 ? await backend.describeTopics([...new Set(whole)]) : [];
  for (const d of described) for (const p of d.partitions) out.set(key({ topic: d.name, partition: p.partition }), { topic: d.name, partition: p.partition });
  for (const s of req.topics) for (const partition of s.partitions ?? []) out.set(key({ topic: s.topic, partition }), { topic: s.topic, partition });
  return [...out.values()];
}

async function newOffset(backend: ResetBackend, req: ResetRequest, tp: TopicPartition, current: number | undefined): Promise<number> {
  const s = req.scenario;
  switch (s.kind) {
    case 'to-earliest':
      return backend.listOffsets(tp.topic, tp.partition, 'earliest');
    case 'to-latest':
      return backend.listOffsets(tp.topic, tp.partition, 'latest');
    case 'to-current':
      return current ?? backend.listOffsets(tp.topic, tp.partition, 'latest');
    case 'to-datetime':
      return offsetAtTime(backend, tp, s.timestampMs);
    case 'by-duration':
      return offsetAtTime(backend, tp, (req.nowMs ?? Date.now()) - s.durationMs);
    case 'from-file':
    case 'to-translated':
      throw new Error(`a --${s.kind} plan is made by its own planner`);
    case 'to-offset':
      return clamp(backend, req, tp, s.offset);
    case 'shift-by':
      if (current === undefined) throw new UsageError(`Cannot shift offset for partition ${name(tp)} since there is no current committed offset`);
      return clamp(backend, req, tp, current + s.shift);
  }
}

/** The first offset whose timestamp is at or after `timestampMs`, or the log end when there is none. */
async function offsetAtTime(backend: ResetBackend, tp: TopicPartition, timestampMs: number): Promise<number> {
  const found = await backend.listOffsets(tp.topic, tp.partition, timestampMs);
  return found >= 0 ? found : backend.listOffsets(tp.topic, tp.partition, 'latest');
}

async function clamp(backend: ResetBackend, req: ResetRequest, tp: TopicPartition, offset: number): Promise<number> {
  const [earliest, latest] = await Promise.all([
    backend.listOffsets(tp.topic, tp.partition, 'earliest'), backend.listOffsets(tp.topic, tp.partition, 'latest'),
  ]);
  if (offset > latest) {
    req.warn(`New offset (${offset}) is higher than latest offset for topic partition ${name(tp)}. Value will be set to ${latest}\n`);
    return latest;
  }
  if (offset < earliest) {
    req.warn(`New offset (${offset}) is lower than earliest offset for topic partition ${name(tp)}. Value will be set to ${earliest}\n`);
    return earliest;
  }
  return offset;
}
