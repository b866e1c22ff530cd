/**
 * The leader's bookkeeping rules for its followers, as pure functions over plain data so every
 * rule is unit-tested without sockets or clocks: when a follower counts as caught up, which ISR
 * members have fallen behind, who may rejoin the ISR, and where the high watermark may move.
 * These follow Kafka's Partition/Replica logic (KIP-16 lag-time-based ISR).
 */

/** What the leader knows of one follower. LEO -1 = not heard from since this leader took over. */
export interface FollowerState {
  logEndOffset: number;
  /** Last time the follower was known to have everything the leader had. */
  lastCaughtUpTimeMs: number;
  /** Leader LEO and time at the follower's previous fetch, to credit a fetch that reached it. */
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeMs: number;
}

export function newFollowerState(lastCaughtUpTimeMs: number): FollowerState {
  return { logEndOffset: -1, lastCaughtUpTimeMs, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 };
}

/**
 * Applies a follower fetch at `fetchOffset` (the follower's LEO). A follower is caught up at the
 * time of this fetch if it asked for the leader's current end; it was caught up at its previous
 * fetch if it now asks for at least what the leader had back then (Kafka's Replica.updateFetchState).
 */
export function recordFollowerFetch(state: FollowerState, fetchOffset: number, leaderLogEndOffset: number, nowMs: number): FollowerState {
  let lastCaughtUpTimeMs = state.lastCaughtUpTimeMs;
  if (fetchOffset >= leaderLogEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
  else if (fetchOffset >= state.lastFetchLeaderLogEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, state.lastFetchTimeMs);
  return { logEndOffset: fetchOffset, lastCaughtUpTimeMs, lastFetchLeaderLogEndOffset: leaderLogEndOffset, lastFetchTimeMs: nowMs };
}

/**
 * The high watermark the leader may advance to: the smallest LEO among ISR members (the leader's
 * own included). A follower not heard from yet pins it; it never moves backwards.
 */
export function nextHighWatermark(current: number, leaderId: number, leaderLogEndOffset: number, isr: readonly number[],
  followers: ReadonlyMap<number, FollowerState>): number {
  let candidate = leaderLogEndOffset;
  for (const id of isr) {
    if (id === leaderId) continue;
    const leo = followers.get(id)?.logEndOffset ?? -1;
    if (leo < candidate) candidate = leo;
  }
  return Math.max(current, candidate);
}

/** ISR members (other than the leader) that have not been caught up for longer than `lagTimeMaxMs`. */
export function outOfSyncReplicas(leaderId: number, isr: readonly number[], followers: ReadonlyMap<number, FollowerState>,
  nowMs: number, lagTimeMaxMs: number): number[] {
  return isr.filter((id) => {
    if (id === leaderId) return false;
    const state = followers.get(id);
    return state === undefined || nowMs - state.lastCaughtUpTimeMs > lagTimeMaxMs;
  });
}

/**
 * Assigned replicas outside the ISR that may rejoin: they hold everything up to the high watermark
 * and at least the start of the current leader epoch (so they have truncated to this leader's log).
 */
export function replicasReadyToJoinIsr(replicas: readonly number[], isr: readonly number[], followers: ReadonlyMap<number, FollowerState>,
  highWatermark: number, leaderEpochStartOffset: number): number[] {
  return replicas.filter((id) => {
    if (isr.includes(id)) return false;
    const state = followers.get(id);
    return state !== undefined && state.logEndOffset >= highWatermark && state.logEndOffset >= leaderEpochStartOffset;
  });
}
