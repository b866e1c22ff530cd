/**
 * A 3-broker cluster of real broker processes on one real ZooKeeper, plus the pieces the
 * replication system tests share: a producer that keeps sending while brokers die and records
 * exactly what was acknowledged, a verifier that reads everything back, and a byte-for-byte
 * comparison of every replica's log.
 */
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { forEachBatch, readBatchInfo } from '../../lib/record/batch-header';
import { LogConfig, DEFAULT_LOG_CONFIG } from '../../lib/storage/log-config';
import { PartitionLog } from '../../lib/storage/partition-log';
import { ZkClient } from '../../lib/zk/zk-client';
import { BrokerProcess, freePort, spawnBroker, tempDir } from './cluster';
import { waitUntil } from './wait';
import { startTestZooKeeper, TestZooKeeper } from './zookeeper';
import * as path from 'path';

export const SESSION_TIMEOUT_MS = 6000;

export class ReplicatedCluster {
  readonly brokers = new Map<number, BrokerProcess>();
  private readonly loops: ProduceLoop[] = [];
  private readonly ports = new Map<number, number>();
  /** Ports of the brokers' Kafka-protocol listeners, when the cluster was built with them. */
  private readonly kafkaPorts = new Map<number, number>();
  private readonly logDirs = new Map<number, string>();
  /** Ports of the brokers' HTTP endpoints, when an `http.listener` override names `{httpPort}`. */
  private readonly httpPorts = new Map<number, number>();
  zk!: TestZooKeeper;
  zkClient!: ZkClient;

  constructor(readonly brokerIds: number[] = [1, 2, 3], private readonly overrides: Record<string, string | number | boolean> = {},
    private readonly withKafkaListener = false) {}

  async start(): Promise<void> {
    this.zk = await startTestZooKeeper();
    this.zkClient = await ZkClient.connect({ connectString: this.zk.connectString, sessionTimeoutMs: 10000 });
    for (const id of this.brokerIds) this.logDirs.set(id, tempDir(`replicated-broker${id}`));
    await Promise.all(this.brokerIds.map((id) => this.firstStart(id)));
    await waitUntil('all brokers registered', async () => (await this.zkClient.getChildren('/brokers/ids')).length === this.brokerIds.length, 30000, 100);
  }

  get bootstrap(): string {
    return this.brokerIds.map((id) => `127.0.0.1:${this.ports.get(id)}`).join(',');
  }

  /** Bootstrap list of the Kafka-protocol listeners (clusters built with them only). */
  get kafkaBootstrap(): string {
    return this.brokerIds.map((id) => `127.0.0.1:${this.kafkaPorts.get(id)}`).join(',');
  }

  httpPort(id: number): number {
    return this.httpPorts.get(id)!;
  }

  logDir(id: number): string {
    return this.logDirs.get(id)!;
  }

  /**
   * Starts a broker on fresh free ports. A port found free can be taken (by any process's outgoing
   * connection) before the broker binds it; the first start then picks new ports and tries again.
   * Restarts keep their ports, as clients expect.
   */
  private async firstStart(id: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.ports.set(id, await freePort());
      if (this.withKafkaListener) this.kafkaPorts.set(id, await freePort());
      if (typeof this.overrides['http.listener'] === 'string') this.httpPorts.set(id, await freePort());
      try {
        await this.startBroker(id);
        return;
      } catch (err) {
        if (attempt >= 3 || !String((err as Error).message).includes('EADDRINUSE')) throw err;
      }
    }
  }

  async startBroker(id: number): Promise<void> {
    this.brokers.set(id, await spawnBroker({
      brokerId: id, zkConnect: this.zk.connectString, port: this.ports.get(id), logDir: this.logDirs.get(id),
      overrides: {
        'zookeeper.session.timeout.ms': SESSION_TIMEOUT_MS,
        'replica.lag.time.max.ms': 4000,
        'replica.fetch.backoff.ms': 200,
        'default.replication.factor': 3,
        'offsets.topic.replication.factor': 3,
        'leader.imbalance.check.interval.seconds': 5,
        ...(this.withKafkaListener ? { listeners: `PLAINTEXT://127.0.0.1:${this.ports.get(id)},KAFKA://127.0.0.1:${this.kafkaPorts.get(id)}` } : {}),
        ...this.overrides,
        // A `listeners` override may add listeners next to the broker's own PLAINTEXT port, written `{port}`.
        ...(typeof this.overrides.listeners === 'string' ? { listeners: this.overrides.listeners.replace('{port}', String(this.ports.get(id))) } : {}),
        ...(typeof this.overrides['http.listener'] === 'string' ? { 'http.listener': this.overrides['http.listener'].replace('{httpPort}', String(this.httpPorts.get(id))) } : {}),
      },
    }));
  }

  async stopBroker(id: number, signal: NodeJS.Signals): Promise<void> {
    await this.brokers.get(id)?.stop(signal);
  }

  async controllerId(): Promise<number> {
    const { data } = await this.zkClient.getData('/controller');
    return JSON.parse(data!.toString()).brokerid;
  }

  async waitForRegistration(id: number, present: boolean, timeoutMs = 30000): Promise<void> {
    await waitUntil(`broker ${id} ${present ? 'registered' : 'gone'}`, async () => ((await this.zkClient.exists(`/brokers/ids/${id}`)) !== null) === present, timeoutMs, 100);
  }

  async partitionState(topic: string, partition: number): Promise<{ leader: number; isr: number[]; leader_epoch: number }> {
    const { data } = await this.zkClient.getData(`/brokers/topics/${topic}/partitions/${partition}/state`);
    return JSON.parse(data!.toString());
  }

  /** Every partition has a live leader and all replicas in its ISR. */
  async waitForFullIsr(topic: string, partitions: number, replicas = this.brokerIds.length, timeoutMs = 60000): Promise<void> {
    await waitUntil(`${topic}: every partition fully in sync`, async () => {
      for (let p = 0; p < partitions; p++) {
        const state = await this.partitionState(topic, p).catch(() => null);
        if (!state || state.leader < 0 || state.isr.length < replicas) return false;
      }
      return true;
    }, timeoutMs, 200);
  }

  async createTopic(name: string, partitions: number, config: Record<string, string>): Promise<void> {
    const admin = new Admin({ bootstrapServers: this.bootstrap });
    try {
      await admin.createTopic({ topic: name, numPartitions: partitions, replicationFactor: this.brokerIds.length, configs: config });
    } finally {
      await admin.close();
    }
    await this.waitForFullIsr(name, partitions);
  }

  /** Starts a ProduceLoop that stop() ends before the brokers go. */
  produceLoop(topic: string, partitions: number): ProduceLoop {
    const loop = new ProduceLoop(this.bootstrap, topic, partitions);
    this.loops.push(loop);
    loop.start();
    return loop;
  }

  async stop(): Promise<void> {
    // A test may have left brokers paused (SIGSTOP); paused brokers would stall the loops' last sends.
    for (const b of this.brokers.values()) b.process.kill('SIGCONT');
    for (const loop of this.loops.splice(0)) await loop.stop().catch(() => undefined);
    for (const b of this.brokers.values()) await b.stop('SIGKILL');
    await this.zkClient?.close();
    await this.zk?.stop();
  }
}

/**
 * Registers the suite's hooks: a started cluster with `topic` created (replication factor = the
 * number of brokers, min.insync.replicas=2) before the tests, everything stopped after them.
 */
export function useReplicatedCluster(topic: string, partitions: number, brokerOverrides: Record<string, string | number | boolean> = {}): ReplicatedCluster {
  const cluster = new ReplicatedCluster([1, 2, 3], brokerOverrides);
  before(async () => {
    await cluster.start();
    await cluster.createTopic(topic, partitions, { 'min.insync.replicas': '2' });
  });
  after(async () => {
    await cluster.stop();
  });
  return cluster;
}

/**
 * Sends `value = <sequence>` to partition `sequence % partitions`, keeping a window of sends in
 * flight, until stopped. Records which sequences were acknowledged and at which offset.
 */
export class ProduceLoop {
  readonly acked = new Map<number, { partition: number; offset: number }>();
  readonly failures: string[] = [];
  private sent = 0;
  private stopped = false;
  private running: Promise<void> | null = null;
  private producer: Producer;

  constructor(bootstrap: string, readonly topic: string, readonly partitions: number, private readonly window = 200, producerOptions: Record<string, unknown> = {}) {
    this.producer = new Producer({ bootstrapServers: bootstrap, acks: 'all', lingerMs: 2, retries: 1_000_000, deliveryTimeoutMs: 120000, requestTimeoutMs: 10000, ...producerOptions });
  }

  get sentCount(): number {
    return this.sent;
  }

  start(): void {
    this.running = this.run();
  }

  private async run(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (!this.stopped) {
      const seq = this.sent++;
      const p = (this.producer.send({ topic: this.topic, partition: seq % this.partitions, value: Buffer.from(String(seq)) }) as Promise<{ partition: number; offset: number }>)
        .then((md) => { this.acked.set(seq, { partition: md.partition, offset: md.offset }); },
          (err: Error) => { this.failures.push(`${seq}: ${err.message}`); })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= this.window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  /** Waits until at least `count` more records were acknowledged. */
  async waitForAcks(count: number, timeoutMs = 60000): Promise<void> {
    const target = this.acked.size + count;
    await waitUntil(`${count} more acknowledgements`, () => this.acked.size >= target, timeoutMs, 50);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.producer.close();
  }
}

export interface Verification {
  acknowledged: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  endOffsets: number[];
}

/** Reads every partition to its end and checks each acknowledged sequence is there exactly once, in order. */
export async function verifyTopic(bootstrap: string, topic: string, partitions: number, acked: Map<number, { partition: number; offset: number }>): Promise<Verification> {
  const admin = new Admin({ bootstrapServers: bootstrap });
  const endOffsets: number[] = [];
  for (let p = 0; p < partitions; p++) endOffsets.push(await admin.listOffsets(topic, p, 'latest'));
  await admin.close();
  const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest' });
  const seen = new Map<number, number>();
  let outOfOrder = 0;
  try {
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    const lastSeq = new Array<number>(partitions).fill(-1);
    const done = (): boolean => endOffsets.every((end, p) => (positions[p] ?? 0) >= end);
    const positions: number[] = new Array<number>(partitions).fill(0);
    for (let p = 0; p < partitions; p++) consumer.seek({ topic, partition: p }, 'earliest');
    const deadline = Date.now() + 120000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`verification timed out at positions ${positions.join(',')} of ${endOffsets.join(',')}`);
      for (const r of await consumer.poll(1000)) {
        positions[r.partition] = r.offset + 1;
        if (r.offset >= endOffsets[r.partition]) continue;
        const seq = Number(r.value!.toString());
        seen.set(seq, (seen.get(seq) ?? 0) + 1);
        if (seq < lastSeq[r.partition]) outOfOrder++;
        lastSeq[r.partition] = seq;
      }
    }
  } finally {
    await consumer.close();
  }
  let lost = 0;
  for (const seq of acked.keys()) if (!seen.has(seq)) lost++;
  let duplicated = 0;
  for (const count of seen.values()) if (count > 1) duplicated += count - 1;
  return { acknowledged: acked.size, lost, duplicated, outOfOrder, endOffsets };
}

/** Reads [0, endOffset) of one replica's log from its directory; brokers must be stopped. */
export async function replicaBytes(logDir: string, topic: string, partition: number, endOffset: number): Promise<Buffer> {
  const config: LogConfig = { ...DEFAULT_LOG_CONFIG };
  const log = await PartitionLog.open(path.join(logDir, `${topic}-${partition}`), topic, partition, config, { recover: true });
  try {
    const chunks: Buffer[] = [];
    let offset = log.logStartOffset;
    while (offset < endOffset) {
      const { records } = await log.read(offset, 1024 * 1024, { maxOffset: endOffset });
      if (records.length === 0) break;
      chunks.push(Buffer.from(records));
      offset = lastOffsetIn(records) + 1;
    }
    return Buffer.concat(chunks);
  } finally {
    await log.close();
  }
}

function lastOffsetIn(records: Buffer): number {
  let last = -1;
  forEachBatch(records, (position) => {
    const info = readBatchInfo(records, position);
    last = info.baseOffset + info.lastOffsetDelta;
  });
  return last;
}
