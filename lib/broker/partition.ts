/**
 * One partition replica hosted by this broker: its log, the leadership state the controller last
 * sent (leader, leader epoch, replicas, ISR, znode version), and the high watermark.
 *
 * As leader it tracks each follower's log end offset and moves the high watermark to the smallest
 * LEO in the ISR. As follower its high watermark is what the leader last reported, capped by its
 * own log end. Stale controller states are ignored: an older leader epoch, or the same epoch with
 * an older znode version, so a delayed message cannot roll leadership or the ISR back.
 */
import { PartitionStateData } from '../protocol/messages/controller';
import { PartitionLog } from '../storage/partition-log';
import { assert } from '../util/assert';
import {
  FollowerState, newFollowerState, nextHighWatermark, outOfSyncReplicas, recordFollowerFetch, replicasReadyToJoinIsr,
} from './replication-rules';

export type ApplyOutcome = 'stale' | 'became-leader' | 'became-follower' | 'updated';

/**
 * Bound on the append marks a leader keeps while the high watermark stands still (an ISR follower
 * stalled for up to replica.lag.time.max.ms while producers keep going); a few hundred kB per
 * partition at most. When full, every other mark is dropped (amortised O(1) per append): a dropped
 * mark's bytes are reported when the high watermark passes the next mark, late but never lost.
 */
export const MAX_APPEND_MARKS = 10_000;

export class Partition {
  leaderId = -1;
  leaderEpoch = -1;
  replicas: number[] = [];
  isr: number[] = [];
  zkVersion = -1;
  controllerEpoch = -1;
  /** From the topic's min.insync.replicas: acks=all needs at least this many ISR members. */
  minInsyncReplicas = 1;
  /** Offset where the current leader epoch began in this log; followers must reach it to rejoin the ISR. */
  leaderEpochStartOffset = -1;
  private hw: number;
  private readonly followers = new Map<number, FollowerState>();
  /** Each follower's log start offset from its last fetch: DeleteRecords waits for them (lowWatermark). */
  private readonly followerLogStarts = new Map<number, number>();
  /** Bytes appended past the high watermark, as (end offset, running total) marks, to size consumer wake-ups. */
  private readonly appendMarks: Array<{ endOffset: number; totalBytes: number }> = [];
  private appendedBytes = 0;
  private bytesAtHighWatermark = 0;

  /** While set, leader appends wait for it: the log is being swapped for one in another directory. */
  appendGate: Promise<void> | null = null;

  /** `log` changes only when the replica moves to another log directory (replica-log-dir-mover.ts). */
  constructor(readonly topic: string, readonly partition: number, public log: PartitionLog, private readonly localBrokerId: number,
    initialHighWatermark = 0) {
    this.hw = Math.min(Math.max(initialHighWatermark, log.logStartOffset), log.logEndOffset);
  }

  get key(): string {
    return partitionKey(this.topic, this.partition);
  }

  get isLeader(): boolean {
    return this.leaderId === this.localBrokerId;
  }

  /** Offsets below this are committed: held by every ISR member, visible to consumers. */
  get highWatermark(): number {
    return this.hw;
  }

  /**
   * Kafka's last stable offset: below it every transaction is decided; read_committed consumers
   * read up to it. Asked at every high watermark move too, which lets the log forget the completed
   * transactions the high watermark passed (their list would otherwise grow without readers).
   */
  get lastStableOffset(): number {
    return this.log.lastStableOffset(this.hw);
  }

  /** Applies a controller state and says what changed; nothing changes when the state is stale. */
  applyState(state: PartitionStateData, nowMs: number): ApplyOutcome {
    const newer = state.leaderEpoch > this.leaderEpoch || (state.leaderEpoch === this.leaderEpoch && state.zkVersion > this.zkVersion);
    if (!newer) return 'stale';
    const wasLeader = this.isLeader;
    const epochChanged = state.leaderEpoch !== this.leaderEpoch;
    this.leaderId = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.replicas = state.replicas.slice();
    this.isr = state.isr.slice();
    this.zkVersion = state.zkVersion;
    this.controllerEpoch = state.controllerEpoch;
    if (!this.isLeader) {
      this.followers.clear();
      this.followerLogStarts.clear();
      this.appendMarks.length = 0;
      this.hw = Math.min(this.hw, this.log.logEndOffset);
      return wasLeader || epochChanged ? 'became-follower' : 'updated';
    }
    if (!wasLeader || epochChanged) {
      this.becomeLeader(nowMs);
      return 'became-leader';
    }
    // Same leader, newer znode: keep what we know of followers that are still assigned.
    for (const id of [...this.followers.keys()]) if (!this.replicas.includes(id)) this.followers.delete(id);
    for (const id of this.replicas) if (id !== this.localBrokerId && !this.followers.has(id)) this.followers.set(id, newFollowerState(nowMs));
    return 'updated';
  }

  private becomeLeader(nowMs: number): void {
    this.followers.clear();
    this.followerLogStarts.clear();
    // ISR members get a full lag period to show up before they can be dropped, as in Kafka.
    for (const id of this.replicas) {
      if (id !== this.localBrokerId) this.followers.set(id, newFollowerState(this.isr.includes(id) ? nowMs : 0));
    }
    this.leaderEpochStartOffset = this.log.logEndOffset;
    this.log.leaderEpochs.assign(this.leaderEpoch, this.leaderEpochStartOffset);
    this.appendMarks.length = 0;
    this.appendedBytes = 0;
    this.bytesAtHighWatermark = 0;
    this.hw = Math.min(this.hw, this.log.logEndOffset);
  }

  /** Stops leading or following (StopReplica without deletion). */
  stop(): void {
    this.leaderId = -1;
    this.followers.clear();
    this.followerLogStarts.clear();
    this.appendMarks.length = 0;
  }

  // ------------------------------------------------------------------ leader side

  /** Notes bytes the leader appended ending at `endOffset`, so a later HW move can say how much became visible. */
  recordLeaderAppend(endOffset: number, bytes: number): void {
    this.appendedBytes += bytes;
    if (this.appendMarks.length >= MAX_APPEND_MARKS) thinOut(this.appendMarks);
    this.appendMarks.push({ endOffset, totalBytes: this.appendedBytes });
  }

  /** Append marks waiting for the high watermark (at most MAX_APPEND_MARKS). */
  get pendingAppendMarks(): number {
    return this.appendMarks.length;
  }

  /** Applies a follower's fetch; returns false when `replicaId` is not an assigned replica. */
  recordFollowerFetch(replicaId: number, fetchOffset: number, leaderLogEndOffset: number, nowMs: number): boolean {
    const state = this.followers.get(replicaId);
    if (!state) return false;
    this.followers.set(replicaId, recordFollowerFetch(state, fetchOffset, leaderLogEndOffset, nowMs));
    return true;
  }

  /** A follower's fetch said where its log starts now. */
  recordFollowerLogStart(replicaId: number, logStartOffset: number): void {
    if (this.followers.has(replicaId)) this.followerLogStarts.set(replicaId, logStartOffset);
  }

  /**
   * Kafka's lowWatermarkIfLeader: the smallest log start offset among this leader and every
   * assigned follower on a live broker (ISR or not). A follower not heard from since this broker
   * became leader counts as -1, so a DeleteRecords waits for it.
   */
  lowWatermark(isAlive: (brokerId: number) => boolean): number {
    let low = this.log.logStartOffset;
    for (const id of this.followers.keys()) {
      if (isAlive(id)) low = Math.min(low, this.followerLogStarts.get(id) ?? -1);
    }
    return low;
  }

  followerLogEndOffset(replicaId: number): number {
    return this.followers.get(replicaId)?.logEndOffset ?? -1;
  }

  /**
   * Moves the high watermark forward if the ISR allows; returns the bytes that became visible
   * (0 when it did not move).
   */
  maybeIncrementHighWatermark(): number {
    if (!this.isLeader) return 0;
    // A leader's log never shrinks (becoming leader clamped the HW to its end), so this held since the last move.
    assert(this.hw <= this.log.logEndOffset, () => `${this.key}: high watermark ${this.hw} is past the leader's log end ${this.log.logEndOffset}`);
    const next = nextHighWatermark(this.hw, this.localBrokerId, this.log.logEndOffset, this.isr, this.followers);
    if (next <= this.hw) return 0;
    assert(next <= this.log.logEndOffset, () => `${this.key}: high watermark would move to ${next}, past the log end ${this.log.logEndOffset}`);
    this.hw = next;
    this.log.lastStableOffset(next);
    let total = this.bytesAtHighWatermark;
    while (this.appendMarks.length > 0 && this.appendMarks[0].endOffset <= next) total = this.appendMarks.shift()!.totalBytes;
    const visible = Math.max(1, total - this.bytesAtHighWatermark);
    this.bytesAtHighWatermark = total;
    return visible;
  }

  outOfSyncReplicas(nowMs: number, lagTimeMaxMs: number): number[] {
    return this.isLeader ? outOfSyncReplicas(this.localBrokerId, this.isr, this.followers, nowMs, lagTimeMaxMs) : [];
  }

  replicasReadyToJoinIsr(): number[] {
    return this.isLeader ? replicasReadyToJoinIsr(this.replicas, this.isr, this.followers, this.hw, this.leaderEpochStartOffset) : [];
  }

  /** Records an ISR this leader wrote to ZooKeeper itself. */
  applyOwnIsrChange(isr: number[], zkVersion: number): void {
    this.isr = isr.slice();
    this.zkVersion = zkVersion;
  }

  // ------------------------------------------------------------------ follower side

  /** A follower learns the committed offset from its leader, never beyond what it holds itself. */
  updateFollowerHighWatermark(leaderHighWatermark: number): void {
    this.hw = Math.max(this.log.logStartOffset, Math.min(leaderHighWatermark, this.log.logEndOffset));
    this.log.lastStableOffset(this.hw);
    assert(this.hw <= this.log.logEndOffset, () => `${this.key}: log start ${this.log.logStartOffset} is past the log end ${this.log.logEndOffset}`);
  }

  /** After truncation the high watermark cannot stay above the log end. */
  clampHighWatermark(): void {
    this.hw = Math.min(this.hw, this.log.logEndOffset);
  }
}

/** Keeps every second mark, always the newest; totals are cumulative, so a dropped mark's bytes fold into the next one. */
function thinOut(marks: Array<{ endOffset: number; totalBytes: number }>): void {
  let kept = 0;
  for (let i = (marks.length - 1) % 2; i < marks.length; i += 2) marks[kept++] = marks[i];
  marks.length = kept;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
