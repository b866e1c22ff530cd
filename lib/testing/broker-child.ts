/**
 * The child process that runs one broker of a test cluster: `node broker-child.js <server.properties>`.
 *
 * Unlike bin/samsa-server-start it reports readiness (and its bound ports) over the IPC channel
 * and ends at once when the test runner goes away, so brokers never outlive a killed runner. It is
 * plain compiled JavaScript started with `node` directly: no shell wrapper, no build check, which
 * keeps a broker's start well under a second.
 */
import { Broker } from '../broker/broker';
import { loadBrokerConfig } from '../config/broker-config';
import { closeLogging, configureLogging } from '../util/logger';
import { watchParent } from './child-watchdog';

async function run(configFile: string): Promise<void> {
  let broker: Broker | null = null;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (broker?.shutdown() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
  };
  const link = watchParent(() => process.exit(1), stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    const { config } = loadBrokerConfig(configFile, []);
    configureLogging({ level: config.logLevel, brokerId: config.brokerId, logDir: config.logsDir, stderr: true });
    broker = new Broker(config);
    broker.once('fatal', (err: Error) => {
      process.stderr.write(`fatal: ${err.message}\n`);
      stop();
    });
    await broker.startup();
  } catch (err) {
    process.stderr.write(`Startup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    link.send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    await closeLogging().catch(() => undefined);
    process.exit(1);
  }
  link.send({ type: 'ready', ports: Object.fromEntries(broker.boundPorts), pid: process.pid });
}

if (require.main === module) void run(process.argv[2] ?? '');
