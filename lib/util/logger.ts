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

const baseFormat = winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), lineFormat);

const root: winston.Logger = winston.createLogger({
  level: process.env.SAMSA_LOG_LEVEL ?? 'warn',
  format: baseFormat,
  transports: [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
});

export function configureLogging(options: LoggingOptions): void {
  root.clear();
  root.level = options.level ?? 'info';
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

/** A child logger whose lines carry `[subsystem]`. */
export function getLogger(subsystem: string, meta: Record<string, unknown> = {}): Logger {
  return root.child({ subsystem, ...meta });
}

/** Flushes file transports before the process exits. */
export function closeLogging(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    root.on('finish', () => { clearTimeout(timer); resolve(); });
    root.end();
  });
}
