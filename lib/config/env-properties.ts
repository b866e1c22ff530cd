/**
 * Broker configuration from environment variables, for containers: `SAMSA_BROKER_ID=2` sets
 * `broker.id=2`, layered over an optional `server.properties`.
 *
 * Names follow what Confluent's cp-kafka image does with `KAFKA_` variables (confluent-docker-utils
 * `env_to_props`): strip the prefix, lower-case, then a single `_` is a `.`, `__` is a `_` and
 * `___` is a `-`. (Confluent's page documents `__` and `___` the other way round; its code, which
 * users' compose files depend on, does this: confluentinc/kafka-images#358.) So
 * `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config` is
 * `SAMSA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG`.
 *
 * Unlike cp-kafka, a variable that names no broker key stops the broker: a typo in a compose file
 * would otherwise start a broker quietly running on a default. Every error names the variable a
 * user would edit, and never shows the value of a secret (passwords, inline keys, JAAS configs).
 */
import { ConfigError, formatConfigValue } from './config-error';
import { brokerConfigDefs } from './broker-config-defs';
import { buildBrokerConfig, LoadedBrokerConfig } from './broker-config';
import { mergeProperties, Properties, readPropertiesFile } from './properties';

export const ENV_PREFIX = 'SAMSA_';

/** `SAMSA_` variables that steer the launch scripts or tools, not the broker's configuration. */
export const NON_CONFIG_VARIABLES: ReadonlySet<string> = new Set([
  'SAMSA_HOME', 'SAMSA_NODE_OPTS', 'SAMSA_DAEMON_START_TIMEOUT_MS', 'SAMSA_DAEMON_READY_CHANNEL',
  'SAMSA_TEST_LOG_LEVEL', 'SAMSA_TRUSTSTORE_PASSWORD',
]);

const SEPARATOR_BY_RUN = ['', '.', '_', '-'];
const RUN_BY_SEPARATOR: Readonly<Record<string, string>> = { '.': '_', _: '__', '-': '___' };
const HIDDEN = '[hidden]';

export class EnvConfigError extends ConfigError {
  /** The environment variable at fault, when one is. */
  readonly variable: string | undefined;

  constructor(message: string, options: { key?: string; variable?: string; cause?: unknown } = {}) {
    super(message, { key: options.key, cause: options.cause });
    this.name = 'EnvConfigError';
    this.variable = options.variable;
  }
}

/** `SAMSA_LOG_DIRS` → `log.dirs`; throws for a name that spells no key (`SAMSA_`, `SAMSA_A____B`). */
export function envNameToKey(name: string): string {
  if (!name.startsWith(ENV_PREFIX)) throw new EnvConfigError(`${name} does not start with ${ENV_PREFIX}`, { variable: name });
  const body = name.slice(ENV_PREFIX.length).toLowerCase();
  if (!/^[a-z0-9]+(?:_{1,3}[a-z0-9]+)*$/.test(body)) {
    throw new EnvConfigError(
      `Environment variable ${name} does not name a configuration key: after ${ENV_PREFIX}, write the key in letters and digits ` +
      'with _ for ".", __ for "_" and ___ for "-" (e.g. SAMSA_LOG_DIRS for log.dirs), no leading, trailing or four underscores',
      { variable: name });
  }
  return body.replace(/_{1,3}/g, (run) => SEPARATOR_BY_RUN[run.length]);
}

/** `log.dirs` → `SAMSA_LOG_DIRS`: the variable a user sets for a key (the inverse of envNameToKey). */
export function keyToEnvName(key: string): string {
  if (!/^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/.test(key)) {
    throw new EnvConfigError(`Configuration key ${key} cannot be written as an environment variable (separators must stand between letters or digits)`, { key });
  }
  return ENV_PREFIX + key.replace(/[._-]/g, (sep) => RUN_BY_SEPARATOR[sep]).toUpperCase();
}

/** Keys whose values are credentials: never echoed in errors or listings. */
export function isSecretKey(key: string): boolean {
  return key === 'password' || key.endsWith('.password') || key.endsWith('sasl.jaas.config') || key.endsWith('ssl.keystore.key');
}

export interface EnvProperties {
  /** Keys and values the variables set, in the environment's order. */
  properties: Properties;
  /** For each key set here, the variable that set it. */
  variables: ReadonlyMap<string, string>;
}

/** Every `SAMSA_` variable (except NON_CONFIG_VARIABLES) as a property; unknown keys are not checked here. */
export function propertiesFromEnv(env: NodeJS.ProcessEnv): EnvProperties {
  const properties: Properties = new Map();
  const variables = new Map<string, string>();
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(ENV_PREFIX) || NON_CONFIG_VARIABLES.has(name) || value === undefined) continue;
    const key = envNameToKey(name);
    const earlier = variables.get(key);
    if (earlier !== undefined) {
      throw new EnvConfigError(`Environment variables ${earlier} and ${name} both set ${key}; keep one`, { key, variable: name });
    }
    properties.set(key, value);
    variables.set(key, name);
  }
  return { properties, variables };
}

/**
 * The broker's configuration from `baseFile` (optional) with the environment's `SAMSA_` variables
 * on top, validated by the same code as `server.properties`. Unknown keys from the environment are
 * refused; unknown keys in the file are returned, as loadBrokerConfig does, for a warning.
 */
export function loadBrokerConfigFromEnv(env: NodeJS.ProcessEnv, baseFile: string | null = null): LoadedBrokerConfig {
  const fromEnv = propertiesFromEnv(env);
  // Listener-prefixed keys (listener.name.<l>.ssl.*, ...sasl.*) are only known once listeners are; buildBrokerConfig judges those.
  for (const [key, variable] of fromEnv.variables) {
    if (!Object.prototype.hasOwnProperty.call(brokerConfigDefs, key) && !key.startsWith('listener.name.')) throw unknownKey(key, variable);
  }
  const merged = mergeProperties(baseFile === null ? undefined : readPropertiesFile(baseFile), fromEnv.properties);
  let loaded: LoadedBrokerConfig;
  try {
    loaded = buildBrokerConfig(merged);
  } catch (err) {
    throw err instanceof ConfigError ? explain(err, fromEnv, merged) : err;
  }
  const stray = loaded.unknownKeys.find((key) => fromEnv.variables.has(key));
  if (stray !== undefined) throw unknownKey(stray, fromEnv.variables.get(stray) as string);
  return loaded;
}

function unknownKey(key: string, variable: string): EnvConfigError {
  return new EnvConfigError(
    `Environment variable ${variable} sets ${key}, which is not a broker configuration key ` +
    '(SAMSA_ variables name server.properties keys: _ for ".", __ for "_", ___ for "-")', { key, variable });
}

/** Rewords a ConfigError so it names the variable that set the key, or the one to set, hiding secrets. */
function explain(err: ConfigError, fromEnv: EnvProperties, merged: Properties): ConfigError {
  const key = err.key;
  if (key === undefined) return err;
  const secret = isSecretKey(key) ? merged.get(key) : undefined;
  const message = secret ? err.message.split(secret).join(HIDDEN) : err.message;
  const variable = fromEnv.variables.get(key);
  if (variable !== undefined) return new EnvConfigError(`${message} (set by environment variable ${variable})`, { key, variable, cause: err });
  if (merged.has(key)) return secret ? new EnvConfigError(message, { key, cause: err }) : err;
  let hint = '';
  try {
    hint = ` Set it with the environment variable ${keyToEnvName(key)}.`;
  } catch {
    // A key that has no variable spelling gets no hint.
  }
  return new EnvConfigError(`${message}${hint}`, { key, cause: err });
}

/** `key=value` lines of what the environment set, secrets hidden: for `--print-config` and startup logs. */
export function describeEnvProperties(fromEnv: EnvProperties): string[] {
  return [...fromEnv.properties].map(([key, value]) =>
    `${key}=${isSecretKey(key) ? HIDDEN : formatConfigValue(value)}  (${fromEnv.variables.get(key)})`);
}
