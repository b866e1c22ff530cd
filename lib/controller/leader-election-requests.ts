/**
 * Leader elections that someone asks for (Kafka's processReplicaLeaderElection): the ElectLeaders
 * API through `Controller.electLeaders`, and the `/admin/preferred_replica_election` znode, which
 * is carried out and then deleted.
 *
 * 'preferred' moves leadership to the first assigned replica when it is live and in sync;
 * 'unclean' gives a partition whose leader is gone any live replica (in-sync ones first). Each
 * requested partition gets its own outcome, with Kafka's codes: ELECTION_NOT_NEEDED when the
 * leader is already right, PREFERRED_LEADER_NOT_AVAILABLE / ELIGIBLE_LEADERS_NOT_AVAILABLE when
 * no replica qualifies, UNKNOWN_TOPIC_OR_PARTITION, and INVALID_TOPIC_EXCEPTION for a topic
 * being deleted.
 */
import { ErrorCode, ErrorDefinition } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { ControllerContext, NO_LEADER, partitionKey, TopicPartition } from './controller-context';
import { ControllerZk } from './controller-zk';
import { electOfflinePartitionLeader, electPreferredLeader } from './partition-leader-election';
import { PartitionStateWriter } from './partition-state-writer';
import { RequestSender } from './request-sender';

const log = getLogger('controller');

export type ElectionType = 'preferred' | 'unclean';

export interface ElectionResult {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface LeaderElectionDeps {
  ctx: ControllerContext;
  zk: ControllerZk;
  writer: PartitionStateWriter;
  requests: RequestSender;
  fire: (name: string, run: () => Promise<void>) => void;
}

export class LeaderElectionRequests {
  constructor(private readonly deps: LeaderElectionDeps) {}

  /** Carries out `/admin/preferred_replica_election` if present, then deletes it; re-arms the watch. */
  async onZnodeChanged(): Promise<void> {
    const request = await this.deps.zk.preferredElectionRequest(() => this.deps.fire('PreferredReplicaElection', () => this.onZnodeChanged()));
    if (request === null) return;
    if (request !== 'malformed') {
      const results = await this.elect('preferred', request);
      const failed = results.filter((r) => r.errorCode !== 0 && r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED.code);
      log.info(`Preferred replica election requested in ZooKeeper for ${results.length} partitions: ` +
        `${results.filter((r) => r.errorCode === 0).length} moved, ${failed.length} failed` +
        (failed.length > 0 ? ` (${failed.slice(0, 10).map((r) => `${r.topic}-${r.partition}: ${r.errorMessage}`).join('; ')})` : ''));
    }
    await this.deps.zk.deletePreferredElectionRequest();
  }

  /**
   * Elects leaders for the given partitions (null = every partition, and then, as Kafka's broker
   * does, only partitions that needed an election are reported).
   */
  async elect(type: ElectionType, partitions: TopicPartition[] | null): Promise<ElectionResult[]> {
    const { ctx } = this.deps;
    const requested = partitions === null ? ctx.allPartitions() : unique(partitions);
    const results = new Map<string, ElectionResult>();
    const report = (tp: TopicPartition, error: ErrorDefinition, message: string | null) =>
      results.set(partitionKey(tp), { topic: tp.topic, partition: tp.partition, errorCode: error.code, errorMessage: message });
    const electable: TopicPartition[] = [];
    for (const tp of requested) {
      const st = ctx.state(tp);
      if (ctx.replicas(tp).length === 0) report(tp, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
      else if (ctx.topicsToDelete.has(tp.topic)) report(tp, ErrorCode.INVALID_TOPIC_EXCEPTION, 'The topic is being deleted');
      else if (st && !this.needsElection(type, tp)) report(tp, ErrorCode.ELECTION_NOT_NEEDED, 'Leader election not needed for topic partition.');
      else electable.push(tp);
    }
    const changed = await this.run(type, electable);
    for (const tp of electable) {
      if (!this.needsElection(type, tp) && ctx.state(tp)) report(tp, ErrorCode.NONE, null);
      else report(tp, failureError(type), this.failureMessage(type, tp));
    }
    if (changed.length > 0) {
      this.deps.requests.leaderAndIsrForChanges(changed);
      this.deps.requests.updateMetadata();
    }
    const ordered = requested.map((tp) => results.get(partitionKey(tp))!);
    return partitions === null ? ordered.filter((r) => r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED.code) : ordered;
  }

  private run(type: ElectionType, partitions: TopicPartition[]): Promise<TopicPartition[]> {
    const { ctx, writer } = this.deps;
    const isLive = (id: number) => ctx.isLive(id);
    if (type === 'preferred') {
      return writer.update(partitions, (tp, current) => electPreferredLeader(ctx.replicas(tp), current, isLive), 'preferred replica election');
    }
    return writer.update(partitions, (tp, current) => electOfflinePartitionLeader(ctx.replicas(tp), current, isLive, true), 'unclean leader election');
  }

  /** Preferred: the first replica does not lead. Unclean: nobody live leads. */
  private needsElection(type: ElectionType, tp: TopicPartition): boolean {
    const leader = this.deps.ctx.state(tp)?.leader ?? NO_LEADER;
    if (type === 'preferred') return leader !== this.deps.ctx.replicas(tp)[0];
    return leader === NO_LEADER || !this.deps.ctx.isLive(leader);
  }

  private failureMessage(type: ElectionType, tp: TopicPartition): string {
    const { ctx } = this.deps;
    const st = ctx.state(tp);
    const name = `${tp.topic}-${tp.partition}`;
    if (!st) return `Partition ${name} has no leader yet: none of its replicas has been live.`;
    if (type === 'preferred') {
      const preferred = ctx.replicas(tp)[0];
      return `Failed to elect leader for partition ${name}: preferred replica ${preferred} is ` +
        `${ctx.isLive(preferred) ? `not in the ISR [${st.isr.join(',')}]` : 'not live'}.`;
    }
    return `Failed to elect leader for partition ${name}: no live replica among [${ctx.replicas(tp).join(',')}].`;
  }
}

function failureError(type: ElectionType): ErrorDefinition {
  return type === 'preferred' ? ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE : ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE;
}

function unique(partitions: TopicPartition[]): TopicPartition[] {
  const seen = new Map<string, TopicPartition>();
  for (const tp of partitions) seen.set(partitionKey(tp), { topic: tp.topic, partition: tp.partition });
  return [...seen.values()];
}
