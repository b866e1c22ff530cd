/**
 * One group as the coordinator holds it: the pure state machine, the group's committed offsets,
 * the JoinGroup and SyncGroup requests parked until the rebalance lets them be answered, and the
 * timer that wakes the group at its next deadline.
 *
 * Parked requests are promises the handlers await. Every way out of a park goes through here, so
 * a request is answered exactly once whether the rebalance completes, the member is removed, or
 * the coordinator loses the group.
 */
import { ErrorCode } from '../protocol/errors';
import { CommittedOffsets } from './committed-offsets';
import { TimerHandle } from './group-clock';
import { joinError, JoinGroupResult, syncError, SyncGroupResult } from './group-responses';
import { ConsumerGroup } from './group-state';
import { PendingTxnOffsets } from './pending-txn-offsets';

type Resolve<T> = (value: T) => void;

export class GroupEntry {
  readonly offsets = new CommittedOffsets();
  /** TxnOffsetCommit offsets waiting for their transaction's marker. */
  readonly pendingTxn = new PendingTxnOffsets();
  private readonly joins = new Map<string, Resolve<JoinGroupResult>>();
  private readonly syncs = new Map<string, Resolve<SyncGroupResult>>();
  timer: TimerHandle | null = null;

  constructor(readonly group: ConsumerGroup) {}

  get groupId(): string {
    return this.group.groupId;
  }

  get parkedCount(): number {
    return this.joins.size + this.syncs.size;
  }

  /** Parks a JoinGroup; a member that retried before being answered gets REBALANCE_IN_PROGRESS on the older request. */
  parkJoin(memberId: string): Promise<JoinGroupResult> {
    this.answerJoin(memberId, joinError(memberId, ErrorCode.REBALANCE_IN_PROGRESS.code));
    return new Promise((resolve) => this.joins.set(memberId, resolve));
  }

  parkSync(memberId: string): Promise<SyncGroupResult> {
    this.answerSync(memberId, syncError(ErrorCode.REBALANCE_IN_PROGRESS.code));
    return new Promise((resolve) => this.syncs.set(memberId, resolve));
  }

  answerJoin(memberId: string, result: JoinGroupResult): boolean {
    const resolve = this.joins.get(memberId);
    if (!resolve) return false;
    this.joins.delete(memberId);
    resolve(result);
    return true;
  }

  answerSync(memberId: string, result: SyncGroupResult): boolean {
    const resolve = this.syncs.get(memberId);
    if (!resolve) return false;
    this.syncs.delete(memberId);
    resolve(result);
    return true;
  }

  /** Answers whatever the member has parked with `errorCode` (it left, expired, or was dropped). */
  failMember(memberId: string, errorCode: number): void {
    this.answerJoin(memberId, joinError(memberId, errorCode));
    this.answerSync(memberId, syncError(errorCode));
  }

  /** Answers every parked request with `errorCode`, as when the coordinator gives the group up. */
  failAll(errorCode: number): void {
    for (const memberId of [...this.joins.keys(), ...this.syncs.keys()]) this.failMember(memberId, errorCode);
  }

  cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}
