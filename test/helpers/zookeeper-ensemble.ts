/**
 * A real ZooKeeper ensemble in quorum mode on 127.0.0.1, for tests about quorum loss: three (or
 * more) JVMs, each with its own client, quorum and election port and its own data dir. Nodes
 * can be killed and restarted with their data, so stopping a majority loses the quorum and
 * restarting it brings the same ensemble state back (as after an outage).
 *
 * A node counts as started once it answers `srvr` as a member of a quorum, so nodes are started
 * together: one alone never serves.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startZooKeeperProcess, ZooKeeperProcess } from '../../lib/zk/local-zookeeper';
import { THROWAWAY_JVM_OPTIONS, throwawayZooKeeperProperties } from '../../lib/zk/throwaway-zookeeper';
import { freePort } from '../../lib/testing/free-port';

export interface EnsembleNode {
  /** 1-based, as in `server.<id>` and `myid`. */
  readonly id: number;
  readonly clientPort: number;
  isRunning(): boolean;
}

export interface TestEnsemble {
  /** Every node's `127.0.0.1:<clientPort>`, comma-separated. */
  readonly connectString: string;
  readonly nodes: readonly EnsembleNode[];
  /** SIGKILLs the nodes; their data stays for `restart`. */
  kill(ids: readonly number[]): Promise<void>;
  /** Starts the nodes again (after `kill`) and resolves once they serve as part of a quorum. */
  restart(ids: readonly number[]): Promise<void>;
  /** Stops every node and removes the data. */
  stop(): Promise<void>;
  logTail(id: number, lines?: number): string;
}

interface NodeState {
  id: number;
  clientPort: number;
  root: string;
  proc: ZooKeeperProcess | null;
}

const READY_TIMEOUT_MS = 60000;

export async function startTestEnsemble(size = 3, tickTimeMs = 500): Promise<TestEnsemble> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-zk-ensemble-'));
  const ports: number[] = [];
  // Nine distinct ports (client, quorum, election per node); freePort can hand out one twice.
  while (ports.length < size * 3) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const servers: Record<string, string> = {};
  const nodes: NodeState[] = [];
  for (let i = 0; i < size; i++) {
    const id = i + 1;
    servers[`server.${id}`] = `127.0.0.1:${ports[3 * i + 1]}:${ports[3 * i + 2]}`;
    const root = path.join(base, `zk${id}`);
    fs.mkdirSync(path.join(root, 'data'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data', 'myid'), `${id}\n`);
    nodes.push({ id, clientPort: ports[3 * i], root, proc: null });
  }
  const launch = async (node: NodeState): Promise<void> => {
    node.proc = await startZooKeeperProcess({
      dataDir: path.join(node.root, 'data'),
      clientPort: node.clientPort,
      logDir: node.root,
      jvmOptions: THROWAWAY_JVM_OPTIONS,
      readyTimeoutMs: READY_TIMEOUT_MS,
      // initLimit/syncLimit in ticks: generous, for loaded machines.
      properties: { ...throwawayZooKeeperProperties(tickTimeMs), initLimit: 20, syncLimit: 10, ...servers },
    });
  };
  const byId = (id: number): NodeState => {
    const node = nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no ensemble node ${id}`);
    return node;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map(async (n) => { await n.proc?.stop(10000); }));
    fs.rmSync(base, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map(launch));
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    connectString: nodes.map((n) => `127.0.0.1:${n.clientPort}`).join(','),
    nodes: nodes.map((n) => ({ id: n.id, clientPort: n.clientPort, isRunning: () => n.proc?.isRunning() ?? false })),
    async kill(ids) {
      await Promise.all(ids.map(async (id) => { await byId(id).proc?.kill(); }));
    },
    async restart(ids) {
      await Promise.all(ids.map(async (id) => {
        const node = byId(id);
        if (node.proc?.isRunning()) throw new Error(`ensemble node ${id} is still running`);
        await launch(node);
      }));
    },
    stop: stopAll,
    logTail(id, lines = 40) {
      return byId(id).proc?.logTail(lines) ?? '';
    },
  };
}
