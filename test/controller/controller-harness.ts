/**
 * Controller test nodes: a fake broker and a Controller sharing one ZooKeeper session, the way
 * a real broker runs them, plus an admin session for the test to create topics and read znodes.
 */
import { Controller, ControllerConfig } from '../../lib/controller/controller';
import type { LeaderElectionObserver } from '../../lib/controller/partition-state-writer';
import { ClusterStore } from '../../lib/zk/cluster-store';
import { ZkClient } from '../../lib/zk/zk-client';
import { LeaderAndIsr } from '../../lib/zk/znodes';
import { FakeBroker } from './fake-broker';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

export interface TestNode {
  id: number;
  zk: ZkClient;
  broker: FakeBroker;
  controller: Controller;
}

export const TEST_CONTROLLER_CONFIG: ControllerConfig = {
  deleteTopicEnable: true,
  uncleanLeaderElectionEnable: false,
  autoLeaderRebalanceEnable: false,
  requestTimeoutMs: 5000,
  eventRetryBackoffMs: 200,
};

export async function startNode(id: number, connectString: string, config: Partial<ControllerConfig> = {}, sessionTimeoutMs = 6000,
  elections?: LeaderElectionObserver): Promise<TestNode> {
  const zk = await ZkClient.connect({ connectString, sessionTimeoutMs });
  const broker = await FakeBroker.start(id, connectString, zk);
  const controller = new Controller({ brokerId: id, zk, store: new ClusterStore(zk), config: { ...TEST_CONTROLLER_CONFIG, ...config }, elections });
  await controller.startup();
  return { id, zk, broker, controller };
}

/** Ends the node's session without a controller shutdown, as a crash would. */
export async function killNode(node: TestNode): Promise<void> {
  await node.broker.stop();
}

export async function stopNode(node: TestNode): Promise<void> {
  await node.controller.shutdown();
  await node.broker.stop();
}

export class Admin {
  private constructor(readonly zk: ZkClient, readonly store: ClusterStore) {}

  static async connect(connectString: string): Promise<Admin> {
    const zk = await ZkClient.connect({ connectString, sessionTimeoutMs: 6000 });
    const store = new ClusterStore(zk);
    await store.ensureBasePaths();
    return new Admin(zk, store);
  }

  createTopic(topic: string, assignment: Record<number, number[]>): Promise<void> {
    return this.store.createTopic(topic, new Map(Object.entries(assignment).map(([p, r]) => [Number(p), r])));
  }

  async state(topic: string, partition: number): Promise<(LeaderAndIsr & { zkVersion: number }) | null> {
    const st = await this.store.getPartitionState(topic, partition);
    return st ? { ...st.value, zkVersion: st.version } : null;
  }

  /**
   * Writes a new ISR the way a partition leader does (compare-and-set, same leader epoch), then
   * optionally the ISR change notification a leader creates after it.
   */
  async setIsr(topic: string, partition: number, isr: number[], notify = true): Promise<void> {
    const st = await this.state(topic, partition);
    if (!st) throw new Error(`no state for ${topic}-${partition}`);
    await this.store.setPartitionState(topic, partition, { leader: st.leader, leaderEpoch: st.leaderEpoch, controllerEpoch: st.controllerEpoch, isr }, st.zkVersion);
    if (notify) await this.store.createIsrChangeNotification([{ topic, partition }]);
  }

  /** The topic znode as plain objects: partition → replicas, and the adding/removing maps. */
  async assignment(topic: string): Promise<{ partitions: Record<string, number[]>; adding: Record<string, number[]>; removing: Record<string, number[]> } | null> {
    const a = await this.store.getTopicAssignment(topic);
    if (!a) return null;
    const plain = (m: Map<number, number[]>) => Object.fromEntries([...m].map(([p, r]) => [String(p), r]));
    return { partitions: plain(a.partitions), adding: plain(a.addingReplicas), removing: plain(a.removingReplicas) };
  }

  async controllerEpoch(): Promise<number> {
    return (await this.store.getControllerEpoch())?.value ?? 0;
  }

  close(): Promise<void> {
    return this.zk.close();
  }
}

/** The active controller among the nodes, if exactly one is active. */
export function activeNode(nodes: TestNode[]): TestNode | undefined {
  const active = nodes.filter((n) => n.controller.isActive);
  return active.length === 1 ? active[0] : undefined;
}

export interface ChrootedZooKeeper {
  server: TestZooKeeper;
  /** A connect string with a chroot of its own for the current test. */
  connect: string;
  admin: Admin;
}

/**
 * Registers the suite's hooks: one ZooKeeper for the whole suite, and for each test a fresh
 * chroot (`/<prefix>-<n>`) with an admin session on it. Read the fields inside hooks and tests.
 */
export function useChrootedZooKeeper(prefix: string): ChrootedZooKeeper {
  const zk = {} as ChrootedZooKeeper;
  let tests = 0;
  before(async () => {
    zk.server = await startTestZooKeeper();
  });
  after(async () => {
    await zk.server?.stop();
  });
  beforeEach(async () => {
    zk.connect = `${zk.server.connectString}/${prefix}-${++tests}`;
    zk.admin = await Admin.connect(zk.connect);
  });
  afterEach(async () => {
    await zk.admin?.close();
  });
  return zk;
}
