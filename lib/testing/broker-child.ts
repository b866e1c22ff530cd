/**
 * The child process that runs one broker of a test cluster: `node broker-child.js <server.properties>`,
 * or `--wait <server.properties>`: started early, it waits for a 'start' message before reading the
 * file, so Node and the broker's modules load while ZooKeeper is still starting. Either way its
 * command line names the cluster's directory, which is how tests find leftover processes.
 *
 * Unlike bin/samsa-server-start it reports readiness (and its bound ports) over the IPC channel
 * and ends at once when the test runner goes away, so brokers never outlive a killed runner. It is
 * plain compiled JavaScript started with `node` directly: no shell wrapper, no build check.
 */
import { Broker } from '../broker/broker';
import { loadBrokerConfig } from '../config/broker-config';
import { closeLogging, configureLogging } from '../util/logger';
import { ParentLink, watchParent } from './child-watchdog';

let broker: Broker | null = null;
let stopping = false;
let started = false;

function stop(): void {
  if (stopping) return;
  stopping = true;
  void (broker?.shutdown() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
}

async function startBroker(configFile: string, link: ParentLink): Promise<void> {
  let running: Broker;
  try {
    const { config } = loadBrokerConfig(configFile, []);
    configureLogging({ level: config.logLevel, brokerId: config.brokerId, logDir: config.logsDir, stderr: true });
    running = new Broker(config);
    broker = running;
    running.once('fatal', (err: Error) => {
      process.stderr.write(`fatal: ${err.message}\n`);
      stop();
    });
    await running.startup();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`Startup failed: ${message}\n`);
    link.send({ type: 'failed', message });
    await closeLogging().catch(() => undefined);
    process.exit(1);
  }
  link.send({ type: 'ready', ports: Object.fromEntries(running.boundPorts), pid: process.pid });
}

function run(configFileArg: string, wait: boolean): void {
  const link: ParentLink = watchParent(() => process.exit(1), stop, (configFile) => start(configFile));
  const start = (configFile: string): void => {
    if (started) return;
    started = true;
    void startBroker(configFile, link);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (!wait) start(configFileArg);
}

if (require.main === module) {
  const wait = process.argv[2] === '--wait';
  run(process.argv[wait ? 3 : 2] ?? '', wait);
}
