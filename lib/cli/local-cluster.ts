/**
 * `samsa-local-cluster start|stop|status`: the docker-compose topology (a ZooKeeper ensemble in
 * quorum mode and several brokers) as plain processes on loopback, for machines without Docker.
 *
 * `start` launches detached processes that outlive the tool, records them in a state file in the
 * cluster's directory, and returns only once the ensemble has quorum and every broker answers
 * `/ready`; on any failure it shows the failing process's last log lines and stops what it
 * started, so a failed start leaves nothing behind. `stop` stops brokers one at a time, the
 * controller last (each then moves its leaderships in a controlled shutdown instead of all of them
 * racing), then the ZooKeepers. `status` exits 0 only when every node is up, 1 when some are not,
 * and 3 when no cluster is recorded (the LSB init-script codes).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadBrokerConfig } from '../config/broker-config';
import { formatProperties, mergeProperties, readPropertiesFile } from '../config/properties';
import { sleep } from '../util/time';
import { findZooKeeperInstallation, startZooKeeperProcess, ZooKeeperProcess } from '../zk/local-zookeeper';
import type { ZooKeeperInstallation } from '../zk/zookeeper-installation';
import {
  bootstrapServers, brokerProperties, BrokerNode, ClusterLayout, computeLayout, layoutPorts, LOOPBACK, zookeeperConnect,
  zookeeperProperties,
} from './local-cluster-layout';
import { lastLines } from './file-tail';
import { LocalClusterOptions, parseLocalClusterArgs, TOOL_NAME } from './local-cluster-options';
import { brokerReady, controllerId, zookeeperMode } from './local-cluster-probe';
import {
  ClusterState, isOurProcess, portUnavailable, ProcessRecord, readState, removeState, terminate, writeState,
} from './local-cluster-state';
import { CliIo, errorMessage, processIo, runMain } from './options';

const SAMSA_HOME = path.resolve(__dirname, '..', '..', '..');
const BROKER_STOP_GRACE_MS = 30000;
const ZOOKEEPER_STOP_GRACE_MS = 10000;
const EXIT_NOT_RUNNING = 3;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseLocalClusterArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  try {
    switch (opts.command) {
      case 'start': return await start(opts, io);
      case 'stop': return await stop(opts, io);
      case 'status': return await status(opts, io);
    }
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  }
}

// ---- start ----

async function start(opts: LocalClusterOptions, io: CliIo): Promise<number> {
  const previous = readState(opts.dir);
  if (previous) {
    const alive = previous.processes.filter((p) => isOurProcess(p.pid, p.marker));
    if (alive.length > 0) {
      io.err(`Error: a local cluster is already running in ${opts.dir} (${alive.length} of ${previous.processes.length} processes up). `
        + `See '${TOOL_NAME} status --dir ${opts.dir}', or stop it first with '${TOOL_NAME} stop --dir ${opts.dir}'.\n`);
      return 1;
    }
    removeState(opts.dir); // every recorded process is gone (a reboot, kill -9): start afresh on the kept data
  }
  const installation = findZooKeeperInstallation();
  const layout = computeLayout(opts);
  const taken: string[] = [];
  for (const p of layoutPorts(layout)) {
    const problem = await portUnavailable(LOOPBACK, p.port);
    if (problem) taken.push(`port ${p.port} (${p.what}) is ${problem === 'EADDRINUSE' ? 'already in use' : `not available: ${problem}`}; choose another ${p.option}`);
  }
  if (taken.length > 0) {
    io.err(`Error: cannot start the cluster:\n${taken.map((t) => `  ${t}\n`).join('')}`);
    return 1;
  }

  try {
    writeBrokerConfigs(layout, opts.overrides);
  } catch (err) {
    io.err(`Error: invalid broker configuration: ${errorMessage(err)}\n`);
    return 1;
  }

  const started: ProcessRecord[] = [];
  const startedAt = new Date().toISOString();
  const state = (): Omit<ClusterState, 'version'> => ({
    startedAt,
    zookeeperConnect: zookeeperConnect(layout),
    bootstrapServers: bootstrapServers(layout, 'native'),
    processes: started,
  });
  let interrupted = false;
  const onSignal = (): void => { interrupted = true; };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const abort = async (): Promise<number> => {
    io.err(`Stopping the ${started.length} process(es) this start launched.\n`);
    await stopAll(started, io, false);
    removeState(opts.dir);
    return 1;
  };
  try {
    io.out(`Starting ${layout.zookeepers.length} ZooKeeper(s) and ${layout.brokers.length} broker(s) in ${layout.dir}\n`);
    const zkFailure = await startZooKeepers(layout, installation, opts.startTimeoutMs, started);
    writeState(opts.dir, state());
    if (zkFailure) {
      io.err(`Error: ${zkFailure}\n`);
      return await abort();
    }
    if (interrupted) return await abort();
    const deadline = Date.now() + opts.startTimeoutMs;
    const children = layout.brokers.map((b) => launchBroker(layout, b));
    for (const child of children) started.push(child.record);
    writeState(opts.dir, state());
    const brokerFailure = await waitForBrokers(children, deadline, () => interrupted);
    for (const child of children) child.release();
    if (brokerFailure) {
      io.err(`Error: ${brokerFailure}\n`);
      return await abort();
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  io.out(summary(layout));
  return 0;
}

function summary(layout: ClusterLayout): string {
  const lines = [
    `Local Samsa cluster is up: ${layout.zookeepers.length} ZooKeeper(s), ${layout.brokers.length} broker(s).`,
    `  Bootstrap servers:          ${bootstrapServers(layout, 'native')}`,
    `  Kafka-protocol listeners:   ${bootstrapServers(layout, 'kafka')}`,
    `  ZooKeeper connect:          ${zookeeperConnect(layout)}`,
    `  Consoles:                   ${layout.brokers.map((b) => `http://${LOOPBACK}:${b.httpPort}/`).join(' ')}`,
    `  Data, logs and state:       ${layout.dir}`,
    `Stop it with: ${TOOL_NAME} stop --dir ${layout.dir}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Starts every ensemble member at once (none serves before a quorum has formed, so they must all
 * be up together) and waits until each serves. Records what started; returns what failed, or null.
 */
async function startZooKeepers(layout: ClusterLayout, installation: ZooKeeperInstallation, timeoutMs: number,
  started: ProcessRecord[]): Promise<string | null> {
  const properties = zookeeperProperties(layout);
  const results = await Promise.allSettled(layout.zookeepers.map((zk) => {
    fs.mkdirSync(zk.dataDir, { recursive: true });
    fs.writeFileSync(path.join(zk.dataDir, 'myid'), `${zk.id}\n`);
    return startZooKeeperProcess({
      dataDir: zk.dataDir, clientPort: zk.clientPort, properties, logDir: zk.logDir, detached: true, installation,
      jvmOptions: zookeeperJvmOptions(), logLevel: process.env.ZOOKEEPER_LOG_LEVEL ?? 'info', readyTimeoutMs: timeoutMs,
    });
  }));
  const failures: string[] = [];
  results.forEach((result, i) => {
    const zk = layout.zookeepers[i];
    if (result.status === 'fulfilled') {
      const proc: ZooKeeperProcess = result.value;
      proc.detach();
      started.push({ role: 'zookeeper', id: zk.id, pid: proc.pid, port: zk.clientPort, marker: proc.configPath, logFile: proc.logFile ?? '' });
    } else {
      failures.push(`ZooKeeper ${zk.id} (port ${zk.clientPort}) failed to start: ${errorMessage(result.reason)}`);
    }
  });
  return failures.length > 0 ? failures.join('\n') : null;
}

/** ZOOKEEPER_HEAP_OPTS / ZOOKEEPER_JVM_OPTS as for zookeeper-server-start, with a dev-sized default. */
function zookeeperJvmOptions(): string[] {
  const split = (value: string | undefined, fallback: string): string[] => (value ?? fallback).split(/\s+/).filter(Boolean);
  return [
    ...split(process.env.ZOOKEEPER_HEAP_OPTS, '-Xms32m -Xmx256m'),
    ...split(process.env.ZOOKEEPER_JVM_OPTS, '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true'),
  ];
}

interface BrokerChild {
  node: BrokerNode;
  record: ProcessRecord;
  exited: Promise<string>;
  /** Lets this process exit while the broker goes on. */
  release(): void;
}

/**
 * Writes each broker's server.properties (config/server.properties plus its settings) and
 * validates it, so a bad --override is reported before any process starts.
 */
function writeBrokerConfigs(layout: ClusterLayout, overrides: Readonly<Record<string, string>>): void {
  const base = readPropertiesFile(path.join(SAMSA_HOME, 'config', 'server.properties'));
  for (const node of layout.brokers) {
    const props = mergeProperties(base, brokerProperties(layout, node, overrides));
    fs.mkdirSync(path.dirname(node.configFile), { recursive: true });
    fs.writeFileSync(node.configFile, formatProperties(props, `Generated by ${TOOL_NAME} from config/server.properties; rewritten at every start.`));
    loadBrokerConfig(node.configFile);
  }
}

/** Runs a broker from its generated server.properties, detached from this process. */
function launchBroker(layout: ClusterLayout, node: BrokerNode): BrokerChild {
  const out = fs.openSync(node.consoleFile, 'w');
  const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, 'server-start.js'), node.configFile], {
    detached: true, stdio: ['ignore', out, out], cwd: layout.dir,
  });
  fs.closeSync(out);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, sig) => resolve(sig !== null ? `was killed by ${sig}` : `exited with code ${code}`));
    child.once('error', (err) => resolve(`could not be run: ${err.message}`));
  });
  return {
    node,
    record: { role: 'broker', id: node.id, pid: child.pid ?? -1, port: node.port, httpPort: node.httpPort, marker: node.configFile, logFile: node.consoleFile },
    exited,
    release: () => {
      child.removeAllListeners();
      child.unref();
    },
  };
}

/** Polls every broker's /ready until all answer 200; returns why not, with the failing broker's last lines. */
async function waitForBrokers(children: BrokerChild[], deadline: number, interrupted: () => boolean): Promise<string | null> {
  const dead = new Map<number, string>();
  for (const child of children) void child.exited.then((how) => dead.set(child.node.id, how));
  const pending = new Set(children);
  while (pending.size > 0) {
    if (interrupted()) return 'interrupted';
    for (const child of [...pending]) {
      const how = dead.get(child.node.id);
      if (how) return `broker ${child.node.id} ${how} while starting. Last lines of ${child.node.consoleFile}:\n${lastLines(child.node.consoleFile)}`;
      if ((await brokerReady(child.node.httpPort)).ready) pending.delete(child);
    }
    if (pending.size === 0) break;
    if (Date.now() >= deadline) {
      const late = [...pending][0];
      const why = (await brokerReady(late.node.httpPort)).detail;
      return `broker ${late.node.id} was not ready in time (${why}). Last lines of ${late.node.consoleFile}:\n${lastLines(late.node.consoleFile)}`;
    }
    await sleep(200);
  }
  return null;
}

// ---- stop ----

async function stop(opts: LocalClusterOptions, io: CliIo): Promise<number> {
  const state = readState(opts.dir);
  if (!state) {
    io.out(`No local cluster is running in ${opts.dir}\n`);
  } else {
    await stopAll(state.processes, io, true);
    removeState(opts.dir);
    io.out(`Stopped the local cluster in ${opts.dir}${opts.deleteData ? '' : '; its data is kept for the next start (stop --delete-data removes it)'}\n`);
  }
  if (opts.deleteData) deleteData(opts.dir, io);
  return 0;
}

/** Brokers one by one (the controller last), then every ZooKeeper at once. */
async function stopAll(processes: readonly ProcessRecord[], io: CliIo, verbose: boolean): Promise<void> {
  const live = processes.filter((p) => isOurProcess(p.pid, p.marker));
  const brokers = live.filter((p) => p.role === 'broker');
  const controller = brokers.length > 1 ? await controllerId(brokers.map((b) => `${LOOPBACK}:${b.port}`).join(',')) : null;
  brokers.sort((a, b) => Number(a.id === controller) - Number(b.id === controller) || a.id - b.id);
  for (const broker of brokers) {
    const clean = await terminate(broker, BROKER_STOP_GRACE_MS);
    if (verbose || !clean) io.out(`Broker ${broker.id} (pid ${broker.pid}) ${clean ? 'stopped' : `killed: still running ${BROKER_STOP_GRACE_MS / 1000} s after SIGTERM`}\n`);
  }
  const zookeepers = live.filter((p) => p.role === 'zookeeper');
  const outcomes = await Promise.all(zookeepers.map((zk) => terminate(zk, ZOOKEEPER_STOP_GRACE_MS)));
  zookeepers.forEach((zk, i) => {
    if (verbose || !outcomes[i]) io.out(`ZooKeeper ${zk.id} (pid ${zk.pid}) ${outcomes[i] ? 'stopped' : `killed: still running ${ZOOKEEPER_STOP_GRACE_MS / 1000} s after SIGTERM`}\n`);
  });
}

/** Removes only what the tool creates, so a --dir shared with other files keeps them. */
function deleteData(dir: string, io: CliIo): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (/^(zookeeper|broker)-\d+$/.test(name)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  io.out(`Deleted the cluster's data and logs in ${dir}\n`);
}

// ---- status ----

async function status(opts: LocalClusterOptions, io: CliIo): Promise<number> {
  const state = readState(opts.dir);
  if (!state) {
    io.out(`No local cluster is running in ${opts.dir}\n`);
    return EXIT_NOT_RUNNING;
  }
  const controller = await controllerId(state.bootstrapServers);
  // up: serving; not-ready: running but not serving (no quorum, not registered); down: process gone.
  const rows = await Promise.all(state.processes.map(async (p) => {
    if (!isOurProcess(p.pid, p.marker)) return { p, state: 'down', detail: 'process gone' };
    if (p.role === 'zookeeper') {
      const mode = await zookeeperMode(p.port);
      return { p, state: mode ? 'up' : 'not-ready', detail: mode ?? 'not serving (no quorum?)' };
    }
    const ready = await brokerReady(p.httpPort ?? -1);
    if (!ready.ready) return { p, state: 'not-ready', detail: ready.detail };
    return { p, state: 'up', detail: p.id === controller ? 'ready, controller' : 'ready' };
  }));
  const table = [['ROLE', 'ID', 'PID', 'PORT', 'STATE', 'DETAIL'],
    ...rows.map(({ p, state: s, detail }) => [p.role, String(p.id), String(p.pid), String(p.port), s, detail])];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  io.out(`Local cluster in ${opts.dir} (started ${state.startedAt})\n`);
  for (const row of table) io.out(`${row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ')}\n`);
  io.out(`Bootstrap servers: ${state.bootstrapServers}\nZooKeeper connect: ${state.zookeeperConnect}\n`);
  const down = rows.filter((r) => r.state === 'down').length;
  const notReady = rows.filter((r) => r.state === 'not-ready').length;
  if (down + notReady > 0) io.out(`Not all up: ${down} down, ${notReady} not ready, of ${rows.length} process(es)\n`);
  return down + notReady === 0 ? 0 : 1;
}

if (require.main === module) runMain(main);
