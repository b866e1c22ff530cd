/**
 * Winston loggers that stamp every line with the broker id and subsystem.
 *
 * One root logger per process, configured once (level, stdout, optional file under `logs/`);
 * subsystems take a child with `getLogger('storage')`. Before `configureLogging` is called the
 * root logs warnings and errors to stderr, so libraries and CLIs stay quiet by default.
 */
import * as fs from 'fs';
import * as path from 'path';
import winston from 'winston';
import { setDefaultClientLogger } from '../client/client-logger';

export type Logger = winston.Logger;

export interface LoggingOptions {
  level?: string;
  brokerId?: number | string;
  /** Directory for `server.log`; omitted means stdout only. */
  logDir?: string;
  /** Write to stdout (default true). CLIs send logs to stderr instead. */
  console?: boolean;
  stderr?: boolean;
}

const lineFormat = winston.format.printf((info) => {
  const broker = info.brokerId !== undefined ? ` [broker ${String(info.brokerId)}]` : '';
  const subsystem = info.subsystem ? ` [${String(info.subsystem)}]` : '';
  const stack = info.stack && info.level === 'error' ? `\n${String(info.stack)}` : '';
  return `[${String(info.timestamp)}] ${info.level.toUpperCase()}${broker}${subsystem} ${String(info.message)}${stack}`;
});

const NPM_LEVELS: Readonly<Record<string, number>> = winston.config.npm.levels;

/**
 * Per-subsystem levels (`log.level.<subsystem>`, or a BROKER_LOGGER change): the root logger's
 * level is the most verbose of all, so transports let those lines through, and this filter drops
 * each line above its own subsystem's level.
 */
let rootLevel = process.env.SAMSA_LOG_LEVEL ?? 'warn';
const subsystemLevels = new Map<string, string>();
const knownSubsystems = new Set<string>();
const subsystemFilter = winston.format((info) => {
  const level = (typeof info.subsystem === 'string' ? subsystemLevels.get(info.subsystem) : undefined) ?? rootLevel;
  return (NPM_LEVELS[info.level] ?? 0) <= (NPM_LEVELS[level] ?? 0) ? info : false;
});

const baseFormat = winston.format.combine(subsystemFilter(), winston.format.timestamp(), winston.format.errors({ stack: true }), lineFormat);

const root: winston.Logger = winston.createLogger({
  level: rootLevel,
  format: baseFormat,
  transports: [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
});

export function configureLogging(options: LoggingOptions): void {
  root.clear();
  rootLevel = options.level ?? 'info';
  applyLevels();
  if (options.brokerId !== undefined) root.defaultMeta = { brokerId: options.brokerId };
  if (options.console !== false) {
    const stderrLevels = options.stderr ? Object.keys(winston.config.npm.levels) : [];
    root.add(new winston.transports.Console({ stderrLevels }));
  }
  if (options.logDir) {
    fs.mkdirSync(options.logDir, { recursive: true });
    root.add(new winston.transports.File({ filename: path.join(options.logDir, 'server.log'), maxsize: 100 * 1024 * 1024, maxFiles: 10 }));
  }
}

// In a process with the server's logging (broker, CLIs), clients without an injected logger log here too.
setDefaultClientLogger((subsystem) => getLogger(subsystem));

/** A child logger whose lines carry `[subsystem]`. */
export function getLogger(subsystem: string, meta: Record<string, unknown> = {}): Logger {
  knownSubsystems.add(subsystem);
  return root.child({ subsystem, ...meta });
}

function applyLevels(): void {
  let most = rootLevel;
  for (const level of subsystemLevels.values()) if ((NPM_LEVELS[level] ?? 0) > (NPM_LEVELS[most] ?? 0)) most = level;
  root.level = most;
}

/** The root level, and the subsystems with a level of their own. */
export function logLevels(): { root: string; subsystems: ReadonlyMap<string, string> } {
  return { root: rootLevel, subsystems: new Map(subsystemLevels) };
}

/** Every subsystem a logger was created for so far (BROKER_LOGGER's logger names). */
export function logSubsystems(): string[] {
  return [...knownSubsystems].sort();
}

/** Sets the root level (subsystem null) or one subsystem's; level null gives the subsystem the root's again. */
export function setLogLevel(subsystem: string | null, level: string | null): void {
  if (level !== null && NPM_LEVELS[level] === undefined) throw new Error(`unknown log level ${level}`);
  if (subsystem === null) {
    if (level !== null) rootLevel = level;
  } else if (level === null) {
    subsystemLevels.delete(subsystem);
  } else {
    subsystemLevels.set(subsystem, level);
  }
  applyLevels();
}

/** Flushes file transports before the process exits. */
export function closeLogging(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    root.on('finish', () => { clearTimeout(timer); resolve(); });
    root.end();
  });
}
