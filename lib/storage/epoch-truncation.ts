/**
 * Where a follower's log stops agreeing with its leader's: the rule of Kafka's
 * AbstractFetcherThread.getOffsetTruncationState (KIP-101, refined by KIP-279), as a pure function
 * so the fetcher calls it and tests can script epoch histories without brokers.
 *
 * Two replicas that wrote the same offset in the same leader epoch hold the same batch there, so
 * the logs agree up to the end of the last epoch both know. The follower asks the leader about
 * its latest epoch E. The leader answers with its largest epoch L <= E and where L ends on the
 * leader. If the follower has L too, the logs agree below min(leader's end of L, follower's end of
 * L): truncate there. If the follower's own largest epoch <= L is some F < L, the follower never
 * saw L; it re-asks about F, which bounds the answer by its end of F (KIP-279: asking only about
 * E could keep a batch of an epoch the leader never had, when epochs interleave).
 */
import { EpochEntry, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET, endOffsetForEntries } from './leader-epoch-cache';

export interface LocalEpochState {
  entries: ReadonlyArray<EpochEntry>;
  logEndOffset: number;
  /** The follower's log start offset; used only when the answer is undefined (default: the first entry's start, else 0). */
  logStartOffset?: number;
}

export type TruncationDecision = { truncateTo: number } | { askAgainWithEpoch: number };

/**
 * Where a follower must truncate, given the leader's OffsetForLeaderEpoch answer for
 * `requestedEpoch` (the follower's latest epoch, or the epoch an earlier decision asked about).
 * `{ askAgainWithEpoch }` needs no truncation first: the final answer's bound is below it.
 *
 * An undefined answer (endOffset -1: the leader knows no epoch at or below the requested one,
 * e.g. its log now starts after all of ours, or an unclean election made an empty replica leader)
 * or one naming an epoch above the requested one proves nothing is shared. Kafka then falls back
 * to the high watermark, which can keep diverged batches; this function instead truncates to the
 * log start, the only offset known to be safe, and the follower's next fetch re-copies (or
 * restarts the log at the leader's start when the leader answers OFFSET_OUT_OF_RANGE). A fetcher
 * that trusts its high watermark may handle that case itself before calling this.
 */
export function followerTruncation(local: LocalEpochState, requestedEpoch: number, answer: { leaderEpoch: number; endOffset: number }): TruncationDecision {
  const leo = local.logEndOffset;
  if (answer.endOffset === UNDEFINED_EPOCH_OFFSET || answer.endOffset < 0 || answer.leaderEpoch > requestedEpoch) {
    const start = local.logStartOffset ?? (local.entries.length > 0 ? local.entries[0].startOffset : 0);
    return { truncateTo: Math.min(start, leo) };
  }
  if (answer.leaderEpoch === UNDEFINED_EPOCH) {
    // A leader that does not track epochs: its end offset is all there is to go by.
    return { truncateTo: Math.min(answer.endOffset, leo) };
  }
  const mine = endOffsetForEntries(local.entries, answer.leaderEpoch, leo);
  if (mine.leaderEpoch === UNDEFINED_EPOCH) {
    // The leader's epoch predates everything we track (our older epochs were removed with their
    // segments), so nothing of ours can contradict the leader below its end offset.
    return { truncateTo: Math.min(answer.endOffset, leo) };
  }
  if (mine.leaderEpoch !== answer.leaderEpoch) return { askAgainWithEpoch: mine.leaderEpoch };
  return { truncateTo: Math.min(answer.endOffset, mine.endOffset, leo) };
}
