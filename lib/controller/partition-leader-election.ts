/**
 * Leader and ISR choices the controller makes, as pure functions of (assignment, current
 * leadership, which brokers are live). Kept free of I/O so every rule Kafka follows can be
 * tested directly: leaders come from the ISR in assignment order, the ISR never becomes empty,
 * and every change the controller makes bumps the leader epoch so brokers can fence stale
 * leaders.
 */
import { NO_LEADER } from './controller-context';

export interface LeaderIsr {
  leader: number;
  leaderEpoch: number;
  isr: number[];
}

export type IsLive = (brokerId: number) => boolean;

/** First leadership of a new partition: the first live replica leads, the live replicas form the ISR. */
export function initialLeaderIsr(assignment: number[], isLive: IsLive): LeaderIsr | null {
  const live = assignment.filter(isLive);
  if (live.length === 0) return null;
  return { leader: live[0], leaderEpoch: 0, isr: live };
}

/**
 * Recomputes leadership after replicas went offline (or came back to a leaderless partition).
 * A live leader keeps leading and the ISR loses its dead members; otherwise the first replica
 * in assignment order that is live and in the ISR leads. With unclean election enabled any live
 * replica may lead, becoming the sole ISR member. When no one can lead, the leader is none and
 * the ISR keeps one member (the last leader if it was in sync) so a later clean election knows
 * whom to wait for. Returns null when nothing changes.
 */
export function electOfflinePartitionLeader(
  assignment: number[],
  current: LeaderIsr,
  isLive: IsLive,
  uncleanLeaderElectionEnable: boolean,
): LeaderIsr | null {
  const liveIsr = current.isr.filter(isLive);
  let next: { leader: number; isr: number[] };
  if (current.leader !== NO_LEADER && isLive(current.leader) && liveIsr.includes(current.leader)) {
    next = { leader: current.leader, isr: liveIsr };
  } else {
    const clean = assignment.find((r) => isLive(r) && liveIsr.includes(r));
    if (clean !== undefined) {
      next = { leader: clean, isr: liveIsr };
    } else {
      const unclean = uncleanLeaderElectionEnable ? assignment.find(isLive) : undefined;
      next = unclean !== undefined
        ? { leader: unclean, isr: [unclean] }
        : { leader: NO_LEADER, isr: lastIsrMember(current) };
    }
  }
  return changed(current, next);
}

/**
 * Moves leadership away from brokers that are shutting down and takes them out of the ISR.
 * The new leader is the first replica in assignment order that is live, in the ISR and not
 * shutting down. Returns `moved: false` when the partition is led by a shutting-down broker
 * and no other replica qualifies; then only followers are dropped from the ISR.
 */
export function electControlledShutdownLeader(
  assignment: number[],
  current: LeaderIsr,
  isLive: IsLive,
  shuttingDown: ReadonlySet<number>,
): { result: LeaderIsr | null; moved: boolean } {
  const leaderLeaving = shuttingDown.has(current.leader);
  const remainingIsr = current.isr.filter((r) => !shuttingDown.has(r));
  if (!leaderLeaving) {
    const isr = remainingIsr.length > 0 ? remainingIsr : current.isr;
    return { result: changed(current, { leader: current.leader, isr }), moved: true };
  }
  const leader = assignment.find((r) => isLive(r) && remainingIsr.includes(r) && !shuttingDown.has(r));
  if (leader === undefined) return { result: null, moved: false };
  return { result: changed(current, { leader, isr: remainingIsr }), moved: true };
}

/**
 * Preferred-replica election: the first replica of the assignment leads if it is live and in
 * sync. Returns null when it already leads or cannot.
 */
export function electPreferredLeader(assignment: number[], current: LeaderIsr, isLive: IsLive): LeaderIsr | null {
  const preferred = assignment[0];
  if (preferred === undefined || preferred === current.leader) return null;
  if (!isLive(preferred) || !current.isr.includes(preferred)) return null;
  return changed(current, { leader: preferred, isr: current.isr });
}

/**
 * Leadership when a reassignment drops replicas (Kafka's ReassignPartitionLeaderElection plus the
 * removal of the dropped replicas from the ISR): the ISR keeps only members of `remaining`; a live
 * leader that stays keeps leading, otherwise the first replica of `remaining` that is live and in
 * the ISR leads. The leader epoch always goes up, since the replica list brokers see changes with
 * it. If no member of `remaining` is in sync the leader is none and the ISR keeps its last member.
 */
export function electReassignedPartitionLeader(remaining: number[], current: LeaderIsr, isLive: IsLive): LeaderIsr {
  const keptIsr = current.isr.filter((r) => remaining.includes(r));
  const isr = keptIsr.length > 0 ? keptIsr : lastIsrMember(current);
  const keepLeader = current.leader !== NO_LEADER && remaining.includes(current.leader) && isLive(current.leader) && keptIsr.includes(current.leader);
  const leader = keepLeader ? current.leader : remaining.find((r) => isLive(r) && keptIsr.includes(r)) ?? NO_LEADER;
  return { leader, leaderEpoch: current.leaderEpoch + 1, isr: [...isr] };
}

/** Same leader and ISR under a new leader epoch, so brokers accept a changed replica list. */
export function bumpLeaderEpoch(current: LeaderIsr): LeaderIsr {
  return { leader: current.leader, leaderEpoch: current.leaderEpoch + 1, isr: [...current.isr] };
}

function lastIsrMember(current: LeaderIsr): number[] {
  if (current.isr.length === 0) return [];
  if (current.isr.includes(current.leader)) return [current.leader];
  return [current.isr[0]];
}

function changed(current: LeaderIsr, next: { leader: number; isr: number[] }): LeaderIsr | null {
  if (next.leader === current.leader && sameMembers(next.isr, current.isr)) return null;
  return { leader: next.leader, leaderEpoch: current.leaderEpoch + 1, isr: [...next.isr] };
}

function sameMembers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((x) => set.has(x));
}
