/**
 * The replication throttles of `samsa-reassign-partitions`, as Kafka 2.8's
 * ReassignPartitionsCommand sets and clears them through IncrementalAlterConfigs:
 *
 * - `--execute --throttle R`: each moving topic gets `leader.replication.throttled.replicas`
 *   (every current replica of each moving partition, `partition:broker`) and
 *   `follower.replication.throttled.replicas` (each replica being added), and every broker
 *   involved gets `leader.replication.throttled.rate` and `follower.replication.throttled.rate` = R;
 *   `--replica-alter-log-dirs-throttle R` sets `replica.alter.log.dirs.io.max.bytes.per.second`
 *   on the brokers that move a replica between log directories.
 * - `--verify`, once nothing is moving (and without --preserve-throttles), deletes those keys from
 *   every live broker and every broker named, and from every topic named.
 */
import type { AlterConfigOp, AlterConfigsResult, ConfigResource } from '../client/admin-configs';
import { errorMessage, CliIo } from './options';
import type { PartitionTarget } from './reassign-partitions-json';
import {
  FOLLOWER_THROTTLED_RATE, FOLLOWER_THROTTLED_REPLICAS, LEADER_THROTTLED_RATE, LEADER_THROTTLED_REPLICAS,
} from '../config/replication-throttle-config';
import { CommandError } from './options';

export const LOG_DIR_THROTTLE_RATE = 'replica.alter.log.dirs.io.max.bytes.per.second';

/** The Admin call the throttles need. */
export interface ThrottleAdmin {
  incrementalAlterConfigs(changes: Array<{ resource: ConfigResource; ops: AlterConfigOp[] }>): Promise<AlterConfigsResult>;
}

/** Kafka's youMustRunVerifyPeriodicallyMessage. */
export function verifyPeriodicallyMessage(interBrokerThrottle: number | undefined, logDirThrottle: number | undefined): string {
  let msg = 'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.';
  if (interBrokerThrottle !== undefined) msg += `\nThe inter-broker throttle limit was set to ${interBrokerThrottle} B/s`;
  if (logDirThrottle !== undefined) msg += `\nThe replica-alter-dir throttle limit was set to ${logDirThrottle} B/s`;
  return msg;
}

async function apply(admin: ThrottleAdmin, changes: Array<{ resource: ConfigResource; ops: AlterConfigOp[] }>): Promise<void> {
  if (changes.length === 0) return;
  const results = await admin.incrementalAlterConfigs(changes);
  const failed = [...results.entries()].filter(([, err]) => err !== null);
  if (failed.length > 0) throw new CommandError(failed.map(([key, err]) => `${key}: ${errorMessage(err)}`).join('\n'));
}

const byNumber = (a: number, b: number) => a - b;

/**
 * Kafka's modifyReassignmentThrottle: the topic-level replica lists from `current` (sources) and
 * `targets` (destinations), and the rate on every broker that is a source or a destination.
 */
export async function setReassignmentThrottle(admin: ThrottleAdmin, current: readonly PartitionTarget[], targets: readonly PartitionTarget[], rate: number): Promise<void> {
  const sourcesOf = new Map(current.map((c) => [`${c.topic}\u0000${c.partition}`, c.replicas]));
  const leader = new Map<string, string[]>();
  const follower = new Map<string, string[]>();
  const brokers = new Set<number>();
  for (const target of [...targets].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)) {
    const sources = sourcesOf.get(`${target.topic}\u0000${target.partition}`) ?? [];
    const added = target.replicas.filter((r) => !sources.includes(r));
    // Kafka's calculateProposedMoveMap: a partition whose replicas do not change moves nothing.
    if (added.length === 0 && target.replicas.length === sources.length) continue;
    leader.set(target.topic, [...(leader.get(target.topic) ?? []), ...[...sources].sort(byNumber).map((b) => `${target.partition}:${b}`)]);
    if (added.length > 0) follower.set(target.topic, [...(follower.get(target.topic) ?? []), ...[...added].sort(byNumber).map((b) => `${target.partition}:${b}`)]);
    for (const b of [...sources, ...target.replicas]) brokers.add(b);
  }
  await apply(admin, [...leader.keys()].map((topic) => ({
    resource: { type: 'topic' as const, name: topic },
    ops: [
      { name: LEADER_THROTTLED_REPLICAS, op: 'set' as const, value: (leader.get(topic) ?? []).join(',') },
      ...(follower.has(topic) ? [{ name: FOLLOWER_THROTTLED_REPLICAS, op: 'set' as const, value: (follower.get(topic) ?? []).join(',') }] : []),
    ],
  })));
  await apply(admin, [...brokers].sort(byNumber).map((id) => ({
    resource: { type: 'broker' as const, name: String(id) },
    ops: [{ name: LEADER_THROTTLED_RATE, op: 'set' as const, value: String(rate) }, { name: FOLLOWER_THROTTLED_RATE, op: 'set' as const, value: String(rate) }],
  })));
}

/** Kafka's modifyLogDirThrottle: the rate on each broker moving a replica between its log directories. */
export async function setLogDirThrottle(admin: ThrottleAdmin, movingBrokers: readonly number[], rate: number): Promise<void> {
  await apply(admin, [...new Set(movingBrokers)].sort(byNumber).map((id) => ({
    resource: { type: 'broker' as const, name: String(id) },
    ops: [{ name: LOG_DIR_THROTTLE_RATE, op: 'set' as const, value: String(rate) }],
  })));
}

/** Kafka's clearAllThrottles, with its two lines of output. */
export async function clearAllThrottles(admin: ThrottleAdmin, liveBrokers: readonly number[], targets: readonly PartitionTarget[], io: CliIo): Promise<void> {
  const brokers = [...new Set([...liveBrokers, ...targets.flatMap((t) => t.replicas)])].sort(byNumber);
  io.out(`Clearing broker-level throttles on broker${brokers.length === 1 ? '' : 's'} ${brokers.join(',')}\n`);
  await apply(admin, brokers.map((id) => ({
    resource: { type: 'broker' as const, name: String(id) },
    ops: [LEADER_THROTTLED_RATE, FOLLOWER_THROTTLED_RATE, LOG_DIR_THROTTLE_RATE].map((name) => ({ name, op: 'delete' as const })),
  })));
  const topics = [...new Set(targets.map((t) => t.topic))].sort();
  io.out(`Clearing topic-level throttles on topic${topics.length === 1 ? '' : 's'} ${topics.join(',')}\n`);
  await apply(admin, topics.map((topic) => ({
    resource: { type: 'topic' as const, name: topic },
    ops: [LEADER_THROTTLED_REPLICAS, FOLLOWER_THROTTLED_REPLICAS].map((name) => ({ name, op: 'delete' as const })),
  })));
}
