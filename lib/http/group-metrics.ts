/**
 * Consumer-group figures for the scrape: groups per state and committed-offset lag, computed from
 * the groups this broker coordinates when Prometheus asks, so group traffic pays nothing for them.
 *
 * Lag is the partition's high watermark (what a read_uncommitted consumer can reach, as
 * kafka-consumer-groups reports LOG-END-OFFSET) minus the committed offset. A broker knows the
 * high watermark only of partitions it leads, so lag is reported where the group's coordinator
 * and the partition's leader are the same broker, never guessed from stale metadata.
 */
import type { Partition } from '../broker/partition';
import type { GroupState } from '../group/group-state';

/** Kafka's group states, each exported as a series even at 0 so dashboards see the full set. */
export const GROUP_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

/** What the metrics read of one coordinated group. */
export interface GroupView {
  readonly groupId: string;
  readonly state: GroupState;
  committed(): Iterable<{ readonly topic: string; readonly partition: number; readonly offset: number }>;
}

export interface GroupLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

export function groupStateCounts(groups: Iterable<GroupView>): Map<GroupState, number> {
  const counts = new Map<GroupState, number>(GROUP_STATES.map((s) => [s, 0]));
  for (const g of groups) counts.set(g.state, (counts.get(g.state) ?? 0) + 1);
  return counts;
}

/** Lag of every committed offset whose partition this broker leads; never negative (a commit may run ahead of a truncated log). */
export function committedOffsetLags(groups: Iterable<GroupView>, partitions: Iterable<Pick<Partition, 'topic' | 'partition' | 'isLeader' | 'highWatermark'>>): GroupLag[] {
  const highWatermarks = new Map<string, Map<number, number>>();
  for (const p of partitions) {
    if (!p.isLeader) continue;
    let byPartition = highWatermarks.get(p.topic);
    if (byPartition === undefined) highWatermarks.set(p.topic, (byPartition = new Map()));
    byPartition.set(p.partition, p.highWatermark);
  }
  const lags: GroupLag[] = [];
  for (const g of groups) {
    for (const c of g.committed()) {
      const hw = highWatermarks.get(c.topic)?.get(c.partition);
      if (hw !== undefined) lags.push({ groupId: g.groupId, topic: c.topic, partition: c.partition, lag: Math.max(0, hw - c.offset) });
    }
  }
  return lags;
}
