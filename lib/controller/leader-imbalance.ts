/**
 * Decides which partitions the periodic auto-rebalance should hand back to their preferred
 * replica (the first one in the assignment), following Kafka's rule: per broker, if more than
 * `leader.imbalance.per.broker.percentage` of the partitions it prefers are led by someone else,
 * move those that can move (the preferred broker is live and in the ISR). Nothing moves while a
 * partition reassignment is in progress.
 */
import { ControllerContext, TopicPartition } from './controller-context';

export function partitionsToRebalance(ctx: ControllerContext, imbalancePercentage: number): TopicPartition[] {
  // As in Kafka, leaders stay put while replicas move: a reassignment picks its own leader.
  if (ctx.reassignments.size > 0) return [];
  const preferredBy = new Map<number, TopicPartition[]>();
  for (const tp of ctx.allPartitions()) {
    if (ctx.topicsToDelete.has(tp.topic) || !ctx.state(tp)) continue;
    const preferred = ctx.replicas(tp)[0];
    if (preferred === undefined) continue;
    let list = preferredBy.get(preferred);
    if (!list) {
      list = [];
      preferredBy.set(preferred, list);
    }
    list.push(tp);
  }
  const out: TopicPartition[] = [];
  for (const [brokerId, partitions] of [...preferredBy.entries()].sort((a, b) => a[0] - b[0])) {
    const notLed = partitions.filter((tp) => ctx.state(tp)!.leader !== brokerId);
    if (notLed.length === 0 || (notLed.length * 100) / partitions.length <= imbalancePercentage) continue;
    if (!ctx.isLive(brokerId)) continue;
    out.push(...notLed.filter((tp) => ctx.state(tp)!.isr.includes(brokerId)));
  }
  return out;
}
