/**
 * Test clusters: brokers in this process (fast, for most integration tests) or as child
 * processes started through `bin/samsa-server-start` (for SIGKILL and restart scenarios).
 * Every broker gets a free port and its own temp log dir.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Broker } from '../../lib/broker/broker';
import { buildBrokerConfig } from '../../lib/config/broker-config';
import { RawValue } from '../../lib/config/config-def';
import { waitUntil } from './wait';
import { freePort } from '../../lib/testing/free-port';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `samsa-${prefix}-`));
}

export { freePort };

export interface BrokerSettings {
  brokerId: number;
  zkConnect: string;
  logDir?: string;
  port?: number;
  overrides?: Record<string, RawValue>;
}

function brokerProperties(s: BrokerSettings & { logDir: string; port: number }): Record<string, string> {
  const props: Record<string, string> = {
    'broker.id': String(s.brokerId),
    listeners: `PLAINTEXT://127.0.0.1:${s.port}`,
    'log.dirs': s.logDir,
    'logs.dir': path.join(s.logDir, 'server-logs'),
    'zookeeper.connect': s.zkConnect,
    'zookeeper.session.timeout.ms': '10000',
    'log.level': process.env.SAMSA_TEST_LOG_LEVEL ?? 'warn',
  };
  for (const [k, v] of Object.entries(s.overrides ?? {})) if (v !== undefined && v !== null) props[k] = String(v);
  return props;
}

/** Starts a broker in this process; resolves once it is registered and serving. */
export async function startBroker(s: BrokerSettings): Promise<Broker> {
  const logDir = s.logDir ?? tempDir(`broker${s.brokerId}`);
  const port = s.port ?? 0;
  const { config } = buildBrokerConfig(brokerProperties({ ...s, logDir, port }));
  const broker = new Broker(config);
  await broker.startup();
  return broker;
}

export interface BrokerProcess {
  readonly brokerId: number;
  readonly port: number;
  readonly logDir: string;
  readonly process: ChildProcess;
  output(): string;
  /** Sends a signal and waits for the process to exit; resolves with its exit code (null when killed). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a broker as a child process through bin/samsa-server-start; resolves once its port accepts connections. */
export async function spawnBroker(s: BrokerSettings): Promise<BrokerProcess> {
  const logDir = s.logDir ?? tempDir(`broker${s.brokerId}`);
  const port = s.port ?? await freePort();
  const configFile = path.join(logDir, `server-${s.brokerId}.properties`);
  fs.mkdirSync(logDir, { recursive: true });
  fs.writeFileSync(configFile, Object.entries(brokerProperties({ ...s, logDir, port })).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const child = spawn(path.join(REPO_ROOT, 'bin', 'samsa-server-start'), [configFile], { cwd: logDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d.toString(); });
  child.stderr!.on('data', (d) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitedEarly = false;
  void exited.then(() => { exitedEarly = true; });
  await waitUntil(`broker ${s.brokerId} to listen on ${port}`, async () => {
    if (exitedEarly) throw new Error(`broker ${s.brokerId} exited during startup:\n${out}`);
    return portOpen(port);
  }, 30000, 50);
  return {
    brokerId: s.brokerId,
    port,
    logDir,
    process: child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

/** Both listeners, native and Kafka, on free ports: what the Kafka-listener tests start brokers with. */
export const BOTH_LISTENERS = 'PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:0';

/** Settings that make a one-broker group coordinator quick to start in tests. */
export const SINGLE_BROKER_GROUPS = {
  'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3, 'offsets.topic.replication.factor': 1,
};
