/**
 * The client's logger: an object with error/warn/info/debug, injected per client through the
 * `logger` option (like KafkaJS's logCreator), so an application's own logging gets the client's
 * lines and importing the client never loads winston.
 *
 * Without an injected logger, lines go to the process default: warnings and errors on stderr
 * (SAMSA_LOG_LEVEL changes the level), or — once the server's logging is loaded in the process
 * (a broker, a CLI, a test with in-process brokers) — its winston loggers, as before.
 */

export interface ClientLogger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

type Level = keyof ClientLogger;
const LEVELS: readonly Level[] = ['error', 'warn', 'info', 'debug'];
/** winston's npm levels, so SAMSA_LOG_LEVEL means the same to the client as to the server. */
const NPM_RANK: Readonly<Record<string, number>> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

function stderrLogger(subsystem: string): ClientLogger {
  const threshold = NPM_RANK[process.env.SAMSA_LOG_LEVEL ?? 'warn'] ?? NPM_RANK.warn;
  const write = (level: Level) => (message: string): void => {
    if (NPM_RANK[level] > threshold) return;
    process.stderr.write(`[${new Date().toISOString()}] ${level.toUpperCase()} [${subsystem}] ${message}\n`);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

let defaultCreator: (subsystem: string) => ClientLogger = stderrLogger;
const defaults = new Map<string, ClientLogger>();

/** Called by the server's logging (lib/util/logger.ts) when it loads: client lines join its output. */
export function setDefaultClientLogger(creator: (subsystem: string) => ClientLogger): void {
  defaultCreator = creator;
  defaults.clear();
}

function defaultLogger(subsystem: string): ClientLogger {
  let logger = defaults.get(subsystem);
  if (!logger) defaults.set(subsystem, (logger = defaultCreator(subsystem)));
  return logger;
}

/**
 * The logger a client module uses: the injected one with `{ subsystem }` added to each line's meta,
 * or the process default, looked up at each line so a default set later still applies.
 */
export function clientLogger(injected: ClientLogger | undefined, subsystem: string): ClientLogger {
  const logger = {} as ClientLogger;
  for (const level of LEVELS) {
    logger[level] = injected
      ? (message, meta) => injected[level](message, { subsystem, ...meta })
      : (message, meta) => defaultLogger(subsystem)[level](message, meta);
  }
  return logger;
}
