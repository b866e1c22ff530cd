/**
 * The broker's log levels at runtime: the root level and per-subsystem levels, from two sources.
 * Dynamic broker configs (`log.level`, `log.level.<subsystem>` in ZooKeeper) survive restarts;
 * BROKER_LOGGER changes (IncrementalAlterConfigs naming this broker) are this process's only, as
 * Kafka's Log4jController, and win over the configs. Levels are process-wide (lib/util/logger.ts),
 * so nothing is touched until a dynamic source sets one: brokers started in-process by tests keep
 * the test run's level.
 */
import { LOG_LEVELS } from '../config/broker-config-defs';
import { logLevels, logSubsystems, setLogLevel } from '../util/logger';

/** Kafka's name for the root logger in BROKER_LOGGER resources. */
export const ROOT_LOGGER = 'root';

/** Kafka's (log4j) level names, accepted besides Samsa's (winston's). */
const LOG4J_LEVELS: Readonly<Record<string, string>> = { trace: 'silly', fatal: 'error', all: 'silly', off: 'error' };

/** A level as winston names it, or undefined for a name that is no level. */
export function normalizeLogLevel(level: string): string | undefined {
  const lower = level.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower;
  return LOG4J_LEVELS[lower];
}

export class LogLevelControl {
  /** From dynamic configs: root (null: the static level) and subsystems. */
  private configRoot: string | null = null;
  private configSubsystems = new Map<string, string>();
  /** From BROKER_LOGGER changes. */
  private readonly loggerLevels = new Map<string, string>();
  /** What this control has set, so it can undo it. */
  private touchedRoot = false;
  private readonly touchedSubsystems = new Set<string>();

  constructor(private readonly staticRootLevel: () => string) {}

  /** The levels dynamic broker configs ask for (root null when `log.level` is not set dynamically). */
  setFromConfig(root: string | null, subsystems: ReadonlyMap<string, string>): void {
    this.configRoot = root;
    this.configSubsystems = new Map(subsystems);
    this.apply();
  }

  /** Logger names a BROKER_LOGGER change may name: the root and every subsystem seen so far. */
  loggerNames(): string[] {
    const names = new Set([...logSubsystems(), ...this.configSubsystems.keys(), ...this.loggerLevels.keys()]);
    names.delete(ROOT_LOGGER);
    return [ROOT_LOGGER, ...[...names].sort()];
  }

  /** A BROKER_LOGGER SET (level) or DELETE (null: back to the configured level). */
  setLoggerLevel(logger: string, level: string | null): void {
    if (level === null) this.loggerLevels.delete(logger);
    else this.loggerLevels.set(logger, level);
    this.apply();
  }

  /** Each logger's effective level, root first: what DescribeConfigs reports for BROKER_LOGGER. */
  effectiveLevels(): Array<{ name: string; level: string }> {
    const { root, subsystems } = logLevels();
    return this.loggerNames().map((name) => ({ name, level: name === ROOT_LOGGER ? root : subsystems.get(name) ?? root }));
  }

  private apply(): void {
    const root = this.loggerLevels.get(ROOT_LOGGER) ?? this.configRoot;
    if (root !== null) {
      setLogLevel(null, root);
      this.touchedRoot = true;
    } else if (this.touchedRoot) {
      setLogLevel(null, this.staticRootLevel());
      this.touchedRoot = false;
    }
    const wanted = new Map(this.configSubsystems);
    for (const [name, level] of this.loggerLevels) if (name !== ROOT_LOGGER) wanted.set(name, level);
    for (const name of this.touchedSubsystems) {
      if (!wanted.has(name)) {
        setLogLevel(name, null);
        this.touchedSubsystems.delete(name);
      }
    }
    for (const [name, level] of wanted) {
      setLogLevel(name, level);
      this.touchedSubsystems.add(name);
    }
  }
}
