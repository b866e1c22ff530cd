/**
 * The named scenarios of the chaos suite. Each one breaks the network (or kills brokers) in a
 * specific way while the workload runs, heals, and states what must hold beyond the checker's
 * general guarantees (no acknowledged record lost, no duplicates, order kept, ...): `verify`
 * returns the scenario-specific violations. Choices (which leader, which follower, the nemesis's
 * moves) come from the seeded Rng, so a run is repeatable with the same seed and cluster state.
 */
import type { AckLine, CheckReport } from './checker';
import type { ChaosCluster, PartitionStateView } from './cluster';
import type { NetNode } from './netns';
import type { Rng } from './rng';
import type { Timeline } from './timeline';

export interface ScenarioContext {
  cluster: ChaosCluster;
  timeline: Timeline;
  rng: Rng;
  /** How long the scenario holds its fault (--duration-s), in ms. */
  holdMs: number;
  partitionStates(): Promise<PartitionStateView[]>;
  controller(): Promise<number | null>;
  controllerEpoch(): Promise<number>;
  /** DROP everything `to` would receive from `from`, and the reverse when twoWay. */
  cut(from: readonly NetNode[], to: readonly NetNode[], twoWay: boolean, why: string): void;
  heal(): void;
  kill(brokerId: number): Promise<void>;
  restart(brokerId: number): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** Acknowledgements logged so far by the acks=all producers. */
  acks(): AckLine[];
}

/** Facts a run learned that verify needs (which broker was cut, when). */
export type Marks = Record<string, number | number[] | string>;

export interface Scenario {
  name: string;
  description: string;
  defaultHoldS: number;
  /** The last broker follows every partition of the checked topic and leads none (else leadership rotates over all). */
  pureFollower?: boolean;
  run(ctx: ScenarioContext): Promise<Marks>;
  verify(report: CheckReport, marks: Marks, ctx: ScenarioContext): string[];
}

/** Calls `fn` until it resolves (ZooKeeper reads right after healing may still fail), at most `timeoutMs`. */
async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const others = (all: readonly NetNode[], except: readonly NetNode[]): NetNode[] => all.filter((n) => !except.includes(n));

async function leaderOf(ctx: ScenarioContext, partition: number): Promise<number> {
  const s = (await ctx.partitionStates()).find((x) => x.partition === partition);
  if (!s || s.leader < 0) throw new Error(`chaos: partition ${partition} has no leader`);
  return s.leader;
}

function acksBetween(ctx: ScenarioContext, from: number, to: number, partitions?: readonly number[]): number {
  return ctx.acks().filter((a) => a.t >= from && a.t <= to && (!partitions || partitions.includes(a.p))).length;
}

const zombieLeader: Scenario = {
  name: 'zombie-leader',
  description: 'A partition leader is cut off from ZooKeeper and the other brokers but stays reachable by clients, '
    + 'past its session timeout; then healed. Its acks=all writes must not be acknowledged while cut off (they cannot '
    + 'reach min.insync.replicas); a new leader takes over; after healing the old leader truncates and rejoins; nothing acknowledged is lost.',
  defaultHoldS: 30,
  async run(ctx) {
    const partitions = await ctx.partitionStates();
    const target = ctx.rng.pick(partitions).leader;
    const node = ctx.cluster.brokerNode(target);
    const led = partitions.filter((s) => s.leader === target).map((s) => s.partition);
    ctx.cut([node], [...ctx.cluster.zookeepers, ...others(ctx.cluster.brokers, [node])], true, `zombie: broker ${target} (leads ${led.join(',')}) isolated from ZooKeeper and brokers, clients still reach it`);
    const cutAt = Date.now();
    await ctx.sleep(ctx.holdMs);
    ctx.heal();
    return { target, cutAt, led };
  },
  verify(report, marks) {
    const v: string[] = [];
    const target = marks.target as number;
    const notBack = report.finalPartitions.filter((s) => !s.isr.includes(target)).map((s) => s.partition);
    if (notBack.length > 0) v.push(`old leader ${target} did not rejoin the ISR of partition(s) ${notBack.join(',')} after healing`);
    return v;
  },
};

const controllerIsolated: Scenario = {
  name: 'controller-isolated',
  description: 'The active controller is cut off from ZooKeeper (brokers and clients still reach it) past its session timeout. '
    + 'Another broker must become controller; orders the old one still sends are fenced by the controller epoch; no partition '
    + 'has two leaders accepting writes (no offset acknowledged to two records, nothing lost).',
  defaultHoldS: 30,
  async run(ctx) {
    const controller = await ctx.controller();
    if (controller === null) throw new Error('chaos: no active controller');
    const node = ctx.cluster.brokerNode(controller);
    ctx.cut([node], ctx.cluster.zookeepers, true, `controller ${controller} isolated from ZooKeeper`);
    await ctx.sleep(ctx.holdMs);
    ctx.heal();
    return { controller };
  },
  verify(report, marks, ctx) {
    const old = marks.controller as number;
    const took = ctx.timeline.events.some((e) => {
      const m = e.type === 'controller-change' ? /controller is broker (\d+)/.exec(e.detail) : null;
      return m !== null && Number(m[1]) !== old;
    });
    return took ? [] : [`no other broker became controller while ${old} was cut off from ZooKeeper`];
  },
};

const followerIsolated: Scenario = {
  name: 'follower-isolated',
  pureFollower: true,
  description: 'A broker that follows (and leads nothing of the checked topic) is cut off from the other brokers. The ISRs shrink, '
    + 'acks=all goes on with 2 in-sync replicas, and after healing the follower catches up and rejoins every ISR.',
  defaultHoldS: 25,
  async run(ctx) {
    const partitions = await ctx.partitionStates();
    const leaders = new Set(partitions.map((s) => s.leader));
    const candidates = ctx.cluster.brokers.map((b) => ctx.cluster.brokerId(b)).filter((id) => !leaders.has(id));
    const target = candidates.length > 0 ? ctx.rng.pick(candidates) : ctx.rng.pick(ctx.cluster.brokers.map((b) => ctx.cluster.brokerId(b)));
    const node = ctx.cluster.brokerNode(target);
    const followed = partitions.filter((s) => s.leader !== target).map((s) => s.partition);
    ctx.cut([node], others(ctx.cluster.brokers, [node]), true, `follower ${target} isolated from the other brokers`);
    const cutAt = Date.now();
    await ctx.sleep(ctx.holdMs);
    const healAt = Date.now();
    ctx.heal();
    return { target, cutAt, healAt, followed };
  },
  verify(report, marks, ctx) {
    const v: string[] = [];
    const target = marks.target as number;
    const shrank = ctx.timeline.events.some((e) => e.type === 'isr-change' && /-> \[([\d,]*)\]$/.exec(e.detail)?.[1].split(',').includes(String(target)) === false);
    if (!shrank) v.push(`no ISR shrank without broker ${target} while it was cut off`);
    // "acks=all keeps going": acknowledgements in the second half of the cut, once the ISR has shrunk.
    const cutAt = marks.cutAt as number;
    const healAt = marks.healAt as number;
    if (acksBetween(ctx, cutAt + (healAt - cutAt) / 2, healAt, marks.followed as number[]) === 0) v.push('no acks=all write was acknowledged during the second half of the cut');
    const notBack = report.finalPartitions.filter((s) => !s.isr.includes(target)).map((s) => s.partition);
    if (notBack.length > 0) v.push(`follower ${target} did not rejoin the ISR of partition(s) ${notBack.join(',')}`);
    return v;
  },
};

const zkQuorum: Scenario = {
  name: 'zk-quorum',
  description: 'One ZooKeeper node is isolated from everything (quorum kept), healed; then a majority is isolated for 30 s (quorum lost). '
    + 'Brokers keep serving reads and acks=all writes to existing ISRs, metadata changes wait, nothing is lost, everything resumes on healing '
    + 'with the same sessions: no controller election (controller epoch unchanged).',
  defaultHoldS: 30,
  async run(ctx) {
    const everyone = ctx.cluster.nodes.filter((n) => n.name !== 'ctl');
    const [a, b, c] = ctx.cluster.zookeepers;
    const lone = ctx.rng.pick([a, b, c]);
    ctx.cut([lone], others(everyone, [lone]), true, `ZooKeeper ${lone.name} isolated (quorum kept)`);
    await ctx.sleep(Math.min(ctx.holdMs, 20000));
    ctx.heal();
    await ctx.sleep(10000);
    // Each of the two is cut off from everyone, the other included: no side keeps a quorum, so
    // no session can expire anywhere (two nodes cut off together would still form one).
    const epochBefore = await ctx.controllerEpoch();
    const majority = ctx.rng.subset(ctx.cluster.zookeepers, 2, 2);
    for (const z of majority) ctx.cut([z], others(everyone, [z]), true, `ZooKeeper ${z.name} isolated from everything`);
    ctx.timeline.add('quorum-lost', `ZooKeeper ${majority.map((z) => z.name).join(' and ')} isolated from everything and each other: no quorum anywhere`);
    const lostAt = Date.now();
    await ctx.sleep(ctx.holdMs);
    const healAt = Date.now();
    ctx.heal();
    // Sessions survive a quorum loss (no server could expire them; the re-elected leader renews
    // them): no controller election may follow, not even one session timeout after healing.
    await ctx.sleep(15000);
    const epochAfter = await retry(() => ctx.controllerEpoch(), 60000);
    return { lostAt, healAt, epochBefore, epochAfter };
  },
  verify(_report, marks, ctx) {
    const v: string[] = [];
    // Existing ISRs keep taking acks=all writes while ZooKeeper has no quorum.
    if (acksBetween(ctx, marks.lostAt as number, marks.healAt as number) === 0) v.push('no acks=all write was acknowledged while ZooKeeper had no quorum');
    if (marks.epochAfter !== marks.epochBefore) v.push(`a controller election followed the quorum loss (controller epoch ${marks.epochBefore} -> ${marks.epochAfter})`);
    const moved = ctx.timeline.events.filter((e) => e.type === 'controller-change' && e.t >= (marks.lostAt as number));
    if (moved.length > 0) v.push(`the controller changed after the quorum loss: ${moved.map((e) => e.detail).join('; ')}`);
    return v;
  },
};

const clientLeader: Scenario = {
  name: 'client-leader',
  description: 'The client namespace is cut off from one partition leader only: first one-way (the leader\'s answers are dropped, so '
    + 'writes land unacknowledged and are retried), then two-way. Other partitions keep taking writes, the producer refreshes metadata '
    + 'and resends, and idempotence keeps the retried batches from being written twice.',
  defaultHoldS: 15,
  async run(ctx) {
    const leader = await leaderOf(ctx, ctx.rng.int(0, (await ctx.partitionStates()).length - 1));
    const node = ctx.cluster.brokerNode(leader);
    const client = ctx.cluster.node('client');
    const otherPartitions = (await ctx.partitionStates()).filter((s) => s.leader !== leader).map((s) => s.partition);
    ctx.cut([node], [client], false, `client cannot hear leader ${leader} (its answers are dropped)`);
    const cutAt = Date.now();
    await ctx.sleep(ctx.holdMs);
    ctx.heal();
    await ctx.sleep(5000);
    ctx.cut([node], [client], true, `client and leader ${leader} cut off both ways`);
    await ctx.sleep(ctx.holdMs);
    const healAt = Date.now();
    ctx.heal();
    return { leader, cutAt, healAt, otherPartitions };
  },
  verify(_report, marks, ctx) {
    const other = marks.otherPartitions as number[];
    if (other.length === 0) return [];
    return acksBetween(ctx, marks.cutAt as number, marks.healAt as number, other) > 0 ? [] : ['partitions led by other brokers took no write during the cut'];
  },
};

const nemesis: Scenario = {
  name: 'nemesis',
  description: 'Random faults for the whole duration: every 3-10 s the previous fault is healed and a new one chosen - a two-way or '
    + 'one-way partition between random halves of the cluster, an isolated broker or ZooKeeper node, or a broker killed with SIGKILL '
    + '(restarted at the next step). At most one broker is down at a time.',
  defaultHoldS: 300,
  async run(ctx) {
    const end = Date.now() + ctx.holdMs;
    const cluster = ctx.cluster;
    const servers = [...cluster.zookeepers, ...cluster.brokers];
    let killed: number | null = null;
    let steps = 0;
    while (Date.now() < end) {
      ctx.heal();
      if (killed !== null) {
        await ctx.restart(killed);
        killed = null;
      }
      const move = ctx.rng.pick(['two-way', 'one-way', 'isolate-broker', 'isolate-zk', 'kill']);
      steps++;
      if (move === 'kill') {
        killed = ctx.rng.pick(cluster.brokers.map((b) => cluster.brokerId(b)));
        await ctx.kill(killed);
      } else if (move === 'isolate-broker' || move === 'isolate-zk') {
        const node = ctx.rng.pick(move === 'isolate-zk' ? cluster.zookeepers : cluster.brokers);
        ctx.cut([node], others(cluster.nodes.filter((n) => n.name !== 'ctl'), [node]), true, `${node.name} isolated`);
      } else {
        const side = ctx.rng.subset(servers, 1, Math.floor(servers.length / 2));
        const rest = others(servers, side);
        const [a, b] = [side.map((n) => n.name).join(','), rest.map((n) => n.name).join(',')];
        ctx.cut(side, rest, move === 'two-way', move === 'two-way' ? `two-way partition ${a} | ${b}` : `one-way partition: ${b} cannot hear ${a}`);
      }
      await ctx.sleep(Math.min(ctx.rng.int(3000, 10000), Math.max(0, end - Date.now())));
    }
    ctx.heal();
    if (killed !== null) await ctx.restart(killed);
    return { steps };
  },
  verify() {
    return [];
  },
};

export const SCENARIOS: readonly Scenario[] = [zombieLeader, controllerIsolated, followerIsolated, zkQuorum, clientLeader, nemesis];

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
