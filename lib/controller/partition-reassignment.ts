/**
 * Moves partitions to new replicas without losing availability (KIP-455, Kafka 2.4+'s
 * onPartitionReassignment). For original replicas ORS and target TRS:
 *   1. the topic znode records RS = TRS + ORS with adding_replicas / removing_replicas;
 *   2. the leader epoch goes up and every replica in RS gets LeaderAndIsr, so new replicas start
 *      following and catching up;
 *   3. when the ISR (watched on the state znode, and on ISR change notifications) holds all of
 *      TRS: a leader outside TRS (or offline) hands over to the first live in-sync replica of TRS,
 *      ORS − TRS leave the ISR and get StopReplica(delete), and the topic znode records TRS alone.
 * Requests come from the `/admin/reassign_partitions` znode (each partition is removed from it
 * when done, the znode when empty) and from `Controller.alterPartitionReassignments`; the newer
 * request for a partition wins. A new controller finds moves in progress in the topic znodes and
 * carries them on; step 3 is safe to repeat, so a controller that dies half-way leaves nothing
 * its successor cannot finish.
 */
import { ErrorCode, ErrorDefinition } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { isZkError } from '../zk/zk-errors';
import { TopicAssignment } from '../zk/znodes';
import { ControllerContext, partitionKey, TopicPartition } from './controller-context';
import { ControllerMovedError, ControllerZk } from './controller-zk';
import { bumpLeaderEpoch, electReassignedPartitionLeader, LeaderIsr } from './partition-leader-election';
import { PartitionStateWriter } from './partition-state-writer';
import {
  isBeingReassigned, PlanError, planReassignment, reassignTo, ReplicaAssignment, sameReplicas, targetReplicas, validateTargetReplicas,
} from './reassignment-plan';
import { RequestSender } from './request-sender';

const log = getLogger('controller');
const MAX_CAS_ATTEMPTS = 5;
const RETRY_DELAY_MS = 2000;

export interface ReassignmentDeps {
  ctx: ControllerContext;
  zk: ControllerZk;
  writer: PartitionStateWriter;
  requests: RequestSender;
  fire: (name: string, run: () => Promise<void>) => void;
  schedule: (delayMs: number, name: string, run: () => Promise<void>) => void;
}

export interface ReassignmentResult {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export class PartitionReassignments {
  /** Moves requested through `/admin/reassign_partitions`, by partition key, with their target. */
  private readonly fromZnode = new Map<string, { tp: TopicPartition; target: number[] }>();
  /** Partitions with a watch armed on their state znode. */
  private readonly watchedStates = new Set<string>();

  constructor(private readonly deps: ReassignmentDeps) {}

  /** At the start of a tenure: the znode's requests, then the moves recorded in topic znodes. */
  async resume(): Promise<void> {
    const started = await this.onZnodeChanged();
    for (const tp of this.deps.ctx.partitionsBeingReassigned()) {
      if (started.has(partitionKey(tp)) || this.deps.ctx.topicsToDelete.has(tp.topic)) continue;
      log.info(`Resuming reassignment of ${name(tp)}: replicas [${this.current(tp).replicas.join(',')}]`);
      await this.guarded(tp, () => this.start(tp, this.current(tp)));
    }
  }

  /** Takes up new entries of `/admin/reassign_partitions`; returns the keys of partitions started. */
  async onZnodeChanged(): Promise<Set<string>> {
    const request = await this.deps.zk.reassignRequest(() => this.deps.fire('PartitionReassignment', async () => {
      await this.onZnodeChanged();
    }));
    const started = new Set<string>();
    if (request === null || request === 'malformed') {
      this.fromZnode.clear();
      if (request === 'malformed') await this.deps.zk.rewriteReassignRequest([]);
      return started;
    }
    const listed = new Set(request.map((r) => partitionKey(r)));
    for (const key of [...this.fromZnode.keys()]) if (!listed.has(key)) this.fromZnode.delete(key);
    const rejected = new Set<string>();
    for (const r of request) {
      const tp = { topic: r.topic, partition: r.partition };
      const key = partitionKey(tp);
      const known = this.fromZnode.get(key);
      if (known && sameReplicas(known.target, r.replicas)) continue;
      const error = this.check(tp, r.replicas);
      if (error) {
        log.warn(`Ignoring reassignment of ${name(tp)} to [${r.replicas.join(',')}] from ZooKeeper: ${error.message}`);
        rejected.add(key);
        continue;
      }
      this.fromZnode.set(key, { tp, target: [...r.replicas] });
      started.add(key);
      await this.guarded(tp, () => this.start(tp, reassignTo(this.current(tp), r.replicas)));
    }
    if (rejected.size > 0) await this.dropFromZnode(rejected);
    return started;
  }

  /** The API: starts (or with replicas null cancels) each reassignment; resolves once started. */
  async alter(requests: Array<{ topic: string; partition: number; replicas: number[] | null }>): Promise<ReassignmentResult[]> {
    const results: ReassignmentResult[] = [];
    const takenFromZnode = new Set<string>();
    for (const r of requests) {
      const tp = { topic: r.topic, partition: r.partition };
      const report = (error: ErrorDefinition, message: string | null) =>
        results.push({ topic: tp.topic, partition: tp.partition, errorCode: error.code, errorMessage: message });
      const error = this.check(tp, r.replicas);
      if (error) {
        report(error.error, error.message);
        continue;
      }
      const plan = planReassignment(this.current(tp), r.replicas);
      if (!plan) {
        report(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, `No partition reassignment is in progress for ${name(tp)}.`);
        continue;
      }
      // The latest request wins: a move the znode asked for is now the API's.
      if (this.fromZnode.delete(partitionKey(tp))) takenFromZnode.add(partitionKey(tp));
      const failure = await this.guarded(tp, () => this.start(tp, plan));
      if (failure) report(ErrorCode.UNKNOWN_SERVER_ERROR, failure.message);
      else report(ErrorCode.NONE, null);
    }
    if (takenFromZnode.size > 0) await this.dropFromZnode(takenFromZnode);
    return results;
  }

  /** Reassignments in progress, of the given partitions (null = all); others are left out. */
  list(partitions: TopicPartition[] | null): OngoingReassignment[] {
    const { ctx } = this.deps;
    const keys = partitions === null ? null : new Set(partitions.map(partitionKey));
    return ctx.partitionsBeingReassigned().filter((tp) => keys === null || keys.has(partitionKey(tp))).map((tp) => {
      const r = ctx.reassignment(tp)!;
      return { topic: tp.topic, partition: tp.partition, replicas: [...ctx.replicas(tp)], addingReplicas: [...r.adding], removingReplicas: [...r.removing] };
    });
  }

  /** After the controller refreshed these partitions' states: finishes the moves whose target is in sync. */
  async onIsrChanged(partitions: TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      if (!this.active(tp) || !this.isComplete(tp)) continue;
      await this.guarded(tp, () => this.finish(tp));
    }
  }

  /** Drops znode requests for topics that no longer exist (deleted while moving). */
  async pruneDeletedTopics(): Promise<void> {
    const gone = [...this.fromZnode.entries()].filter(([, r]) => !this.deps.ctx.assignments.has(r.tp.topic)).map(([key]) => key);
    if (gone.length === 0) return;
    for (const key of gone) this.fromZnode.delete(key);
    await this.dropFromZnode(new Set(gone));
  }

  // ---- the steps ---------------------------------------------------------------------------

  /** Records the move, brings new replicas in, and finishes at once if the target is already in sync. */
  private async start(tp: TopicPartition, plan: ReplicaAssignment): Promise<void> {
    const { ctx } = this.deps;
    const current = this.current(tp);
    const unneeded = current.replicas.filter((r) => !plan.replicas.includes(r));
    if (!sameAssignment(current, plan)) await this.writeAssignment(tp, plan);
    await this.refreshState(tp);
    if (unneeded.length > 0) {
      // A replaced move's replicas that the new plan does not keep leave right away.
      await this.updateState(tp, (st) => electReassignedPartitionLeader(plan.replicas, st, (id) => ctx.isLive(id)), 'reassignment dropped replicas');
      for (const id of unneeded) void this.deps.requests.stopReplica(id, [tp], true);
    }
    if (!isBeingReassigned(plan) || this.isComplete(tp)) {
      await this.finish(tp);
      return;
    }
    if (unneeded.length === 0) await this.updateState(tp, bumpLeaderEpoch, 'reassignment started');
    log.info(`Reassigning ${name(tp)}: replicas [${plan.replicas.join(',')}], adding [${plan.adding.join(',')}], removing [${plan.removing.join(',')}]`);
    for (const id of plan.replicas) this.deps.requests.leaderAndIsr(id, [tp], plan.adding.includes(id) ? [tp] : []);
    this.deps.requests.updateMetadata();
  }

  /** Moves leadership into the target set, drops the leaving replicas, and records the target alone. */
  private async finish(tp: TopicPartition): Promise<void> {
    const { ctx, requests } = this.deps;
    const plan = this.current(tp);
    const target = targetReplicas(plan);
    const leaving = plan.replicas.filter((r) => !target.includes(r));
    await this.updateState(tp, (st) => electReassignedPartitionLeader(target, st, (id) => ctx.isLive(id)), 'reassignment completed');
    // Brokers learn the final replicas before ZooKeeper records them, as in Kafka: a successor
    // that still finds the move recorded simply completes it again.
    ctx.setPartitionAssignment(tp, target);
    try {
      requests.leaderAndIsrForChanges([tp]);
      for (const id of leaving) void requests.stopReplica(id, [tp], true);
      await this.writeAssignment(tp, { replicas: target, adding: [], removing: [] });
    } catch (err) {
      ctx.setPartitionAssignment(tp, plan.replicas, plan);
      throw err;
    }
    requests.updateMetadata();
    const st = ctx.state(tp);
    log.info(`Reassignment of ${name(tp)} completed: replicas [${target.join(',')}], leader ${st?.leader}, ISR [${st?.isr.join(',')}]`);
    const key = partitionKey(tp);
    if (this.fromZnode.delete(key)) await this.dropFromZnode(new Set([key]));
  }

  private async onStateChanged(tp: TopicPartition): Promise<void> {
    if (!this.active(tp)) return;
    await this.refreshState(tp);
    if (this.isComplete(tp)) await this.guarded(tp, () => this.finish(tp));
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Runs a step; a failure other than fencing is logged and the move retried later. Returns the failure. */
  private async guarded(tp: TopicPartition, step: () => Promise<void>): Promise<Error | null> {
    try {
      await step();
      return null;
    } catch (err) {
      if (err instanceof ControllerMovedError) throw err;
      // A closed client means the tenure is ending (shutdown, crash); its successor takes over.
      if (isZkError(err, 'CLIENT_CLOSED')) return err;
      log.error(`Reassignment of ${name(tp)} failed, retrying in ${RETRY_DELAY_MS} ms: ${(err as Error).message}`);
      this.deps.schedule(RETRY_DELAY_MS, `ReassignmentRetry(${name(tp)})`, async () => {
        if (this.active(tp)) await this.guarded(tp, () => this.start(tp, this.current(tp)));
      });
      return err as Error;
    }
  }

  private check(tp: TopicPartition, target: number[] | null): PlanError | null {
    const { ctx } = this.deps;
    if (ctx.replicas(tp).length === 0 || ctx.topicsToDelete.has(tp.topic)) {
      return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: 'The partition does not exist.' };
    }
    return target === null ? null : validateTargetReplicas(this.current(tp), target, (id) => ctx.isLive(id));
  }

  private current(tp: TopicPartition): ReplicaAssignment {
    const r = this.deps.ctx.reassignment(tp);
    return { replicas: [...this.deps.ctx.replicas(tp)], adding: [...(r?.adding ?? [])], removing: [...(r?.removing ?? [])] };
  }

  /** A move in progress that this controller manages (not part of a topic being deleted). */
  private active(tp: TopicPartition): boolean {
    return this.deps.ctx.reassignment(tp) !== undefined && !this.deps.ctx.topicsToDelete.has(tp.topic);
  }

  private isComplete(tp: TopicPartition): boolean {
    const st = this.deps.ctx.state(tp);
    return st !== undefined && targetReplicas(this.current(tp)).every((r) => st.isr.includes(r));
  }

  /** Re-reads the state znode and keeps one watch armed on it while the move lasts. */
  private async refreshState(tp: TopicPartition): Promise<void> {
    const key = partitionKey(tp);
    const arm = !this.watchedStates.has(key);
    if (arm) this.watchedStates.add(key);
    const watcher = () => {
      this.watchedStates.delete(key);
      this.deps.fire(`ReassignmentIsrChange(${name(tp)})`, () => this.onStateChanged(tp));
    };
    try {
      const st = await this.deps.zk.watchedPartitionState(tp, arm ? watcher : undefined);
      if (st) this.deps.ctx.setState(tp, st);
    } catch (err) {
      if (arm) this.watchedStates.delete(key);
      throw err;
    }
  }

  /** A fenced compare-and-set of the partition's state; a partition that never had a leader is left alone. */
  private async updateState(tp: TopicPartition, decide: (current: LeaderIsr) => LeaderIsr, reason: string): Promise<void> {
    if (!this.deps.ctx.state(tp)) return;
    const changed = await this.deps.writer.update([tp], (_, current) => decide(current), reason);
    if (changed.length === 0) throw new Error(`could not write the state of ${name(tp)} (${reason})`);
  }

  /** Compare-and-set of the topic znode with this partition's assignment replaced; then the context. */
  private async writeAssignment(tp: TopicPartition, a: ReplicaAssignment): Promise<void> {
    const { ctx, zk } = this.deps;
    let base: { assignment: TopicAssignment; version: number } = { assignment: this.topicAssignment(tp.topic), version: ctx.topicVersions.get(tp.topic) ?? -1 };
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const version = await zk.writeAssignment(tp.topic, withPartition(base.assignment, tp.partition, a), base.version);
      if (version !== null) {
        ctx.topicVersions.set(tp.topic, version);
        ctx.setPartitionAssignment(tp, a.replicas, a);
        return;
      }
      const fresh = await zk.assignment(tp.topic);
      if (!fresh) throw new Error(`topic ${tp.topic} vanished while reassigning ${name(tp)}`);
      base = fresh;
    }
    throw new Error(`gave up writing the assignment of topic ${tp.topic} after ${MAX_CAS_ATTEMPTS} conflicting updates`);
  }

  private topicAssignment(topic: string): TopicAssignment {
    const { ctx } = this.deps;
    const partitions = new Map(ctx.assignments.get(topic) ?? []);
    const addingReplicas = new Map<number, number[]>();
    const removingReplicas = new Map<number, number[]>();
    for (const r of ctx.reassignments.values()) {
      if (r.tp.topic !== topic) continue;
      if (r.adding.length > 0) addingReplicas.set(r.tp.partition, [...r.adding]);
      if (r.removing.length > 0) removingReplicas.set(r.tp.partition, [...r.removing]);
    }
    return { partitions, addingReplicas, removingReplicas };
  }

  /** Removes partitions from `/admin/reassign_partitions`, deleting it when none are left. */
  private async dropFromZnode(keys: Set<string>): Promise<void> {
    const request = await this.deps.zk.reassignRequest();
    if (request === null || request === 'malformed') return;
    const remaining = request.filter((r) => !keys.has(partitionKey(r)));
    if (remaining.length === request.length) return;
    await this.deps.zk.rewriteReassignRequest(remaining);
    if (remaining.length === 0) log.info('All partition reassignments requested in ZooKeeper are done; removed the request');
  }
}

function withPartition(base: TopicAssignment, partition: number, a: ReplicaAssignment): TopicAssignment {
  const partitions = new Map(base.partitions);
  const addingReplicas = new Map(base.addingReplicas);
  const removingReplicas = new Map(base.removingReplicas);
  partitions.set(partition, [...a.replicas]);
  if (a.adding.length > 0) addingReplicas.set(partition, [...a.adding]);
  else addingReplicas.delete(partition);
  if (a.removing.length > 0) removingReplicas.set(partition, [...a.removing]);
  else removingReplicas.delete(partition);
  return { partitions, addingReplicas, removingReplicas };
}

function sameAssignment(a: ReplicaAssignment, b: ReplicaAssignment): boolean {
  return sameReplicas(a.replicas, b.replicas) && sameReplicas(a.adding, b.adding) && sameReplicas(a.removing, b.removing);
}

function name(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
