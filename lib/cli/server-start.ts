/**
 * `samsa-server-start [-daemon] config/server.properties [--override key=value]...`: runs one
 * broker in the foreground until SIGTERM/SIGINT, then shuts it down cleanly (stop accepting,
 * finish in-flight requests, flush, clean-shutdown marker, deregister) and exits 0. With
 * `-daemon` the broker runs in the background instead (see server-daemon.ts).
 */
import { loadBrokerConfig, LoadedBrokerConfig } from '../config/broker-config';
import { Broker } from '../broker/broker';
import { closeLogging, configureLogging, getLogger } from '../util/logger';
import { runMain } from './options';
import { reportReadyToDaemonParent, START_TIMEOUT_ENV, startDaemon } from './server-daemon';

const USAGE = 'USAGE: samsa-server-start [-daemon] server.properties [--override property=value]*';
const HELP = `${USAGE}
Starts a Samsa broker with the configuration in server.properties.

  -daemon                  Run in the background, console output in <logs.dir>/samsaServer.out.
                           Returns once the broker serves (exit 0), or with its last log lines
                           when it fails to start or is not ready within 60 s (exit 1; set the
                           wait in milliseconds with ${START_TIMEOUT_ENV}).
  --override key=value     Set a broker property, taking precedence over the file (repeatable).
  -h, --help               Print this help.

Stop brokers with samsa-server-stop [--node-id <broker id>].
`;

export type ServerArgs = { help: true } | { help: false; configFile: string; overrides: string[]; daemon: boolean };

export function parseServerArgs(argv: readonly string[]): ServerArgs {
  let configFile: string | null = null;
  let daemon = false;
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
      return { help: true };
    } else if (arg === '-daemon' || arg === '--daemon') {
      daemon = true;
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else if (configFile === null) {
      configFile = arg;
    } else {
      throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    }
  }
  if (configFile === null) throw new Error(USAGE);
  return { help: false, configFile, overrides, daemon };
}

export async function main(argv: string[]): Promise<number> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.daemon) return startDaemon(args.configFile, args.overrides);
  return runInForeground(args.configFile, args.overrides);
}

function runInForeground(configFile: string, overrides: readonly string[]): Promise<number> {
  return runBroker(() => loadBrokerConfig(configFile, overrides));
}

/**
 * Runs a broker in the foreground until SIGTERM/SIGINT; `load` gives its configuration (a file, the
 * environment), `startupLines` what to log about where it came from once logging is set up.
 */
export async function runBroker(load: () => LoadedBrokerConfig, startupLines: () => string[] = () => []): Promise<number> {
  let broker: Broker;
  try {
    const loaded = load();
    const { config } = loaded;
    configureLogging({ level: config.logLevel, brokerId: config.brokerId, logDir: config.logsDir });
    const log = getLogger('server');
    for (const line of startupLines()) log.info(line);
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
    reportReadyToDaemonParent(broker.port);
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

if (require.main === module) runMain(main);
