/**
 * `samsa-server-start config/server.properties [--override key=value]...`: runs one broker in the
 * foreground until SIGTERM/SIGINT, then shuts it down cleanly (stop accepting, finish in-flight
 * requests, flush, clean-shutdown marker, deregister) and exits 0.
 */
import { loadBrokerConfig } from '../config/broker-config';
import { Broker } from '../broker/broker';
import { closeLogging, configureLogging, getLogger } from '../util/logger';

const USAGE = 'USAGE: samsa-server-start [-daemon] server.properties [--override property=value]*';

export function parseServerArgs(argv: string[]): { configFile: string; overrides: string[] } {
  let configFile: string | null = null;
  const overrides: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--override') {
      const value = argv[++i];
      if (value === undefined) throw new Error('--override needs a value of the form property=value');
      overrides.push(value);
    } else if (arg.startsWith('--override=')) {
      overrides.push(arg.slice('--override='.length));
    } else if (arg === '-h' || arg === '--help') {
      throw new Error(USAGE);
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else if (configFile === null) {
      configFile = arg;
    } else {
      throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    }
  }
  if (configFile === null) throw new Error(USAGE);
  return { configFile, overrides };
}

export async function main(argv: string[]): Promise<number> {
  let broker: Broker;
  try {
    const { configFile, overrides } = parseServerArgs(argv);
    const loaded = loadBrokerConfig(configFile, overrides);
    const { config } = loaded;
    configureLogging({ level: config.logLevel, brokerId: config.brokerId, logDir: config.logsDir });
    const log = getLogger('server');
    for (const key of loaded.unknownKeys) log.warn(`Unknown configuration key '${key}' was supplied but is not a known config.`);
    for (const key of loaded.ignoredKeys) log.info(`Configuration key '${key}' is accepted for compatibility and has no effect in Samsa.`);
    broker = new Broker(config);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  const log = getLogger('server');
  let stopping: Promise<void> | null = null;
  const stop = (signal: string): Promise<void> => {
    if (!stopping) {
      log.info(`Received ${signal}, shutting down`);
      stopping = broker.shutdown();
    }
    return stopping;
  };
  const exited = new Promise<number>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => void stop(signal).then(() => resolve(0), (err) => {
        log.error(`Shutdown failed: ${(err as Error).stack}`);
        resolve(1);
      }));
    }
    broker.once('fatal', (err: Error) => {
      log.error(`Fatal error, shutting down: ${err.message}`);
      void stop('fatal error').finally(() => resolve(1));
    });
  });
  try {
    await broker.startup();
  } catch (err) {
    log.error(`Startup failed: ${(err as Error).message}`);
    await broker.shutdown().catch(() => undefined);
    await closeLogging();
    return 1;
  }
  const code = await exited;
  await closeLogging();
  return code;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
