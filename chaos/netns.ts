/**
 * The chaos suite's network: one Linux network namespace per node, each with a veth pair whose
 * other end sits on a bridge in a bridge namespace, addresses from the benchmarking range
 * 198.18.0.0/15 only. Nothing is created in the host's namespace (veth pairs are created inside
 * the bridge namespace with their peer moved straight into the node's), so the host's interfaces,
 * routes and iptables are never touched and no IP forwarding is needed (the bridge switches
 * frames at layer 2).
 *
 * Partitions are iptables DROP rules in the receiving node's INPUT chain: "a cannot hear b" is one
 * rule in a's namespace; two-way is both. Heal flushes INPUT everywhere. Every name starts with
 * CHAOS_PREFIX so `cleanupLeftovers` finds what an earlier (crashed) run left behind.
 */
import { execFileSync, spawnSync } from 'child_process';

export const CHAOS_PREFIX = 'samsa-chaos-';
const BRIDGE_NS = `${CHAOS_PREFIX}bridge`;
const SUBNET_BITS = 24;

/** Refuses anything outside 198.18.0.0/15, so a typo can never put a host's address in play. */
export function assertBenchmarkAddress(address: string): void {
  const m = /^198\.(18|19)\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m || Number(m[2]) > 255 || Number(m[3]) > 254 || Number(m[3]) < 1) {
    throw new Error(`chaos: ${address} is not a host address in 198.18.0.0/15`);
  }
}

export interface NetNode {
  /** Short name: zk1, b2, client, ctl. */
  name: string;
  /** The namespace's name: samsa-chaos-<name>. */
  ns: string;
  address: string;
}

function run(args: string[], input?: string): string {
  return execFileSync(args[0], args.slice(1), { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

/** Like run, but a failure is ignored: for cleanup, where the thing may already be gone. */
function tryRun(args: string[]): string {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

export function listChaosNamespaces(): string[] {
  return tryRun(['ip', 'netns', 'list']).split('\n').map((l) => l.split(/\s+/)[0]).filter((n) => n.startsWith(CHAOS_PREFIX));
}

/** Pids of processes whose network namespace is `ns`. */
export function namespacePids(ns: string): number[] {
  return tryRun(['ip', 'netns', 'pids', ns]).split('\n').map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * Kills every process in our namespaces (SIGKILL: they are test processes with throwaway data)
 * and deletes the namespaces, which removes their veths and iptables rules with them. Safe to
 * call at any time, from an 'exit' handler too (synchronous).
 */
export function cleanupLeftovers(): string[] {
  const found = listChaosNamespaces();
  for (const ns of found) {
    for (const pid of namespacePids(ns)) {
      if (pid === process.pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const ns of found) {
    // A process that was just killed may still hold the namespace for a moment; retry briefly.
    for (let i = 0; i < 20 && namespacePids(ns).some((p) => p !== process.pid); i++) spawnSync('sleep', ['0.1']);
    tryRun(['ip', 'netns', 'del', ns]);
  }
  return found;
}

/** Creates the bridge namespace and one namespace per node, all connected to the bridge. */
export function createNetwork(nodes: readonly { name: string; address: string }[]): NetNode[] {
  run(['ip', 'netns', 'add', BRIDGE_NS]);
  run(['ip', '-n', BRIDGE_NS, 'link', 'set', 'lo', 'up']);
  run(['ip', '-n', BRIDGE_NS, 'link', 'add', 'br0', 'type', 'bridge']);
  run(['ip', '-n', BRIDGE_NS, 'link', 'set', 'br0', 'up']);
  const out: NetNode[] = [];
  for (const node of nodes) {
    assertBenchmarkAddress(node.address);
    const ns = `${CHAOS_PREFIX}${node.name}`;
    const port = `v-${node.name}`;
    if (port.length > 15) throw new Error(`chaos: node name ${node.name} is too long for an interface name`);
    run(['ip', 'netns', 'add', ns]);
    run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    run(['ip', '-n', BRIDGE_NS, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    run(['ip', '-n', BRIDGE_NS, 'link', 'set', port, 'master', 'br0', 'up']);
    run(['ip', '-n', ns, 'addr', 'add', `${node.address}/${SUBNET_BITS}`, 'dev', 'eth0']);
    run(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    out.push({ ...node, ns });
  }
  return out;
}

/** Drops, inside `to`'s namespace, every packet from `from` ("to can no longer hear from"). */
export function dropFrom(to: NetNode, from: NetNode): void {
  run(['ip', 'netns', 'exec', to.ns, 'iptables', '-w', '-A', 'INPUT', '-s', from.address, '-j', 'DROP']);
}

export function healAll(nodes: readonly NetNode[]): void {
  for (const node of nodes) run(['ip', 'netns', 'exec', node.ns, 'iptables', '-w', '-F', 'INPUT']);
}

/** The DROP rules now in place, as "to<-from" strings (for tests and the timeline). */
export function activeDrops(nodes: readonly NetNode[]): string[] {
  const byAddress = new Map(nodes.map((n) => [n.address, n.name]));
  const drops: string[] = [];
  for (const node of nodes) {
    const rules = tryRun(['ip', 'netns', 'exec', node.ns, 'iptables', '-w', '-S', 'INPUT']);
    for (const m of rules.matchAll(/-A INPUT -s (\S+?)(?:\/32)? -j DROP/g)) drops.push(`${node.name}<-${byAddress.get(m[1]) ?? m[1]}`);
  }
  return drops;
}

/** argv that runs `argv` inside `node`'s namespace (`ip netns exec` execs it: the pid is the program's). */
export function inNamespace(node: NetNode, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', node.ns, ...argv];
}
