/**
 * A sticky assignor in the spirit of Kafka's StickyAssignor: the assignment is as balanced as the
 * subscriptions allow, and within that, members keep as many of the partitions they already own
 * (`ownedPartitions` from their Subscription) as possible, so a rebalance moves few partitions and
 * consumers lose little fetch state and cache.
 *
 * Balanced means Kafka's definition: whenever two members' counts differ by two or more, the
 * larger holds nothing the smaller is subscribed to. With identical subscriptions that is
 * max - min <= 1.
 *
 * The algorithm is our own and runs in three passes:
 *  1. keep every valid ownership claim (the topic is still subscribed and the partition exists;
 *     a partition claimed twice goes to the newer generation, or to nobody on a tie);
 *  2. deal the unowned partitions, most constrained topics first, each to the least loaded member
 *     that subscribes to it;
 *  3. while some member holds two or more partitions more than another that could take one of
 *     them, move one across, preferring partitions that member did not own before.
 * Each move in pass 3 lowers the sum of squared counts, so it terminates, and it stops exactly
 * when the assignment is balanced in the sense above. Ties break on memberId order and
 * (topic, partition) order, so every leader computes the same answer.
 */
import { compareStrings, sortTopicPartitions, TopicPartition, topicPartitionKey } from '../../util/topic-partition';
import { AssignorMember, PartitionAssignor, sortedMembers, subscribedTopics } from './partition-assignor';

interface MemberState {
  readonly memberId: string;
  readonly subscriptions: ReadonlySet<string>;
  /** Current holdings, keyed by topicPartitionKey, in the order they were given. */
  readonly holdings: Map<string, TopicPartition>;
  /** Keys of the claims this member kept in pass 1. */
  readonly kept: Set<string>;
  /** How many partitions of each topic this member holds, to test "could take one" cheaply. */
  readonly perTopic: Map<string, number>;
}

const UNKNOWN_GENERATION = -1;

export class StickyAssignor implements PartitionAssignor {
  readonly name = 'sticky';

  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
    const sorted = sortedMembers(members, partitionsPerTopic);
    const states: MemberState[] = sorted.map((m) => ({
      memberId: m.memberId,
      subscriptions: new Set(m.topics.filter((t) => partitionsPerTopic.has(t))),
      holdings: new Map(),
      kept: new Set(),
      perTopic: new Map(),
    }));
    keepValidClaims(sorted, states, partitionsPerTopic);
    dealUnowned(states, subscribedTopics(sorted, partitionsPerTopic), partitionsPerTopic);
    rebalance(states);
    return new Map(states.map((s) => [s.memberId, sortTopicPartitions([...s.holdings.values()])]));
  }
}

function give(state: MemberState, tp: TopicPartition): void {
  state.holdings.set(topicPartitionKey(tp), tp);
  state.perTopic.set(tp.topic, (state.perTopic.get(tp.topic) ?? 0) + 1);
}

function take(state: MemberState, key: string): TopicPartition {
  const tp = state.holdings.get(key)!;
  state.holdings.delete(key);
  state.perTopic.set(tp.topic, state.perTopic.get(tp.topic)! - 1);
  return tp;
}

/** Pass 1: decide which ownership claims survive, then hand them back to their owners. */
function keepValidClaims(members: readonly AssignorMember[], states: MemberState[], partitionsPerTopic: ReadonlyMap<string, number>): void {
  const winner = new Map<string, { index: number; generation: number; tied: boolean; tp: TopicPartition }>();
  members.forEach((member, index) => {
    const generation = member.generation ?? UNKNOWN_GENERATION;
    for (const tp of member.ownedPartitions ?? []) {
      const count = partitionsPerTopic.get(tp.topic);
      if (!states[index].subscriptions.has(tp.topic) || count === undefined) continue;
      if (!Number.isInteger(tp.partition) || tp.partition < 0 || tp.partition >= count) continue;
      const key = topicPartitionKey(tp);
      const current = winner.get(key);
      if (current === undefined || generation > current.generation) {
        winner.set(key, { index, generation, tied: false, tp: { topic: tp.topic, partition: tp.partition } });
      } else if (generation === current.generation && current.index !== index) {
        // Two members claim it in the same generation: neither claim can be trusted.
        current.tied = true;
      }
    }
  });
  const claims = [...winner.values()].filter((w) => !w.tied);
  claims.sort((a, b) => a.index - b.index || compareStrings(a.tp.topic, b.tp.topic) || a.tp.partition - b.tp.partition);
  for (const claim of claims) {
    give(states[claim.index], claim.tp);
    states[claim.index].kept.add(topicPartitionKey(claim.tp));
  }
}

/** Pass 2: topics with the fewest eligible members go first, so flexible topics fill in around them. */
function dealUnowned(states: MemberState[], topics: string[], partitionsPerTopic: ReadonlyMap<string, number>): void {
  const owned = new Set<string>();
  for (const s of states) for (const key of s.holdings.keys()) owned.add(key);
  const eligible = new Map(topics.map((t) => [t, states.filter((s) => s.subscriptions.has(t))]));
  const order = [...topics].sort((a, b) => eligible.get(a)!.length - eligible.get(b)!.length || compareStrings(a, b));
  for (const topic of order) {
    const candidates = eligible.get(topic)!;
    const count = partitionsPerTopic.get(topic)!;
    for (let partition = 0; partition < count; partition++) {
      const tp = { topic, partition };
      if (owned.has(topicPartitionKey(tp))) continue;
      let best = candidates[0];
      for (const c of candidates) if (c.holdings.size < best.holdings.size) best = c;
      give(best, tp);
    }
  }
}

/** Pass 3: level the counts with single moves until no move from a fuller to an emptier member is possible. */
function rebalance(states: MemberState[]): void {
  for (;;) {
    const descending = states.map((_, i) => i).sort((x, y) => states[y].holdings.size - states[x].holdings.size || x - y);
    const ascending = states.map((_, i) => i).sort((x, y) => states[x].holdings.size - states[y].holdings.size || x - y);
    if (!moveOne(states, descending, ascending)) return;
  }
}

function moveOne(states: MemberState[], descending: number[], ascending: number[]): boolean {
  for (const from of descending) {
    const giver = states[from];
    for (const to of ascending) {
      const receiver = states[to];
      if (receiver.holdings.size > giver.holdings.size - 2) break;
      const key = pickMovable(giver, receiver);
      if (key !== undefined) {
        give(receiver, take(giver, key));
        return true;
      }
    }
  }
  return false;
}

/** A partition the giver holds and the receiver subscribes to, preferring one the giver did not own before. */
function pickMovable(giver: MemberState, receiver: MemberState): string | undefined {
  let canTakeAny = false;
  for (const topic of receiver.subscriptions) {
    if ((giver.perTopic.get(topic) ?? 0) > 0) {
      canTakeAny = true;
      break;
    }
  }
  if (!canTakeAny) return undefined;
  let fallback: string | undefined;
  for (const [key, tp] of giver.holdings) {
    if (!receiver.subscriptions.has(tp.topic)) continue;
    if (!giver.kept.has(key)) return key;
    fallback ??= key;
  }
  return fallback;
}
