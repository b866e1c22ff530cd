/**
 * The broker's SASL settings, with Kafka's keys:
 *
 * - `sasl.enabled.mechanisms`, overridable per listener as
 *   `listener.name.<listener>.sasl.enabled.mechanisms`. Kafka defaults to GSSAPI, which Samsa
 *   does not implement; Samsa's default is `SCRAM-SHA-256,SCRAM-SHA-512` (credentials in ZooKeeper).
 * - `listener.name.<listener>.<mechanism>.sasl.jaas.config` (listener and mechanism lower-case),
 *   as Kafka writes it. PLAIN needs a PlainLoginModule entry whose `user_<name>="<password>"`
 *   options are the accepted users; on the inter-broker listener, `username`/`password` of the
 *   inter-broker mechanism's entry are the broker's own credentials. Kafka's fallback to a JAAS
 *   file (`java.security.auth.login.config`) and an un-prefixed broker `sasl.jaas.config` are
 *   not read: the latter is refused with a message naming the prefixed key.
 * - `sasl.mechanism.inter.broker.protocol`: Kafka's default (GSSAPI) again does not apply; unset,
 *   it is the first mechanism enabled on the inter-broker listener.
 * - `connection.failed.authentication.delay.ms` (default 100, as Kafka) and
 *   `connections.max.reauth.ms` (accepted with its default 0 only: no re-authentication).
 *
 * Only listeners whose security protocol is SASL_PLAINTEXT or SASL_SSL get an entry.
 */
import { ConfigError } from '../../config/config-error';
import { intKey, listKey, longKey, RawConfig, rawEntries, stringKey } from '../../config/config-def';
import { Listener } from '../../config/endpoints';
import { atLeast, rule } from '../../config/validators';
import { ClientSaslCredentials, SaslMechanismName } from '../client-security';
import { usesSasl } from '../security-protocol';
import { parseJaasConfig, PLAIN_LOGIN_MODULE, SCRAM_LOGIN_MODULE } from './jaas-config';
import { isSaslMechanism, SASL_MECHANISMS } from './sasl-mechanism';

function mechanismProblem(name: string): string | undefined {
  if (isSaslMechanism(name)) return undefined;
  return `SASL mechanism ${name} is not supported by Samsa (supported: ${SASL_MECHANISMS.join(', ')})`;
}

const mechanismList = rule<readonly string[]>(`list of ${SASL_MECHANISMS.join(', ')}`, (list) => {
  for (const name of list) {
    const problem = mechanismProblem(name);
    if (problem) return problem;
  }
  return undefined;
});

export const saslBrokerKeys = {
  'sasl.enabled.mechanisms': listKey({
    default: ['SCRAM-SHA-256', 'SCRAM-SHA-512'], validate: mechanismList, importance: 'MEDIUM',
    doc: 'SASL mechanisms enabled on SASL_PLAINTEXT/SASL_SSL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512. Kafka defaults to GSSAPI, which Samsa does not implement; Samsa defaults to SCRAM-SHA-256,SCRAM-SHA-512. Overridable per listener with listener.name.<listener>.sasl.enabled.mechanisms.',
  }),
  'sasl.mechanism.inter.broker.protocol': stringKey({
    default: null, validate: rule<string>('a supported SASL mechanism', mechanismProblem), importance: 'MEDIUM',
    doc: 'SASL mechanism brokers use to authenticate to each other when the inter-broker listener uses SASL; it must be enabled on that listener. Unset (Kafka\'s GSSAPI default does not apply): the first mechanism enabled on the inter-broker listener.',
  }),
  'connection.failed.authentication.delay.ms': intKey({
    default: 100, validate: atLeast(0), importance: 'LOW',
    doc: 'How long the broker waits before answering a failed SASL authentication and closing the connection, to slow down password guessing.',
  }),
  'connections.max.reauth.ms': longKey({
    default: 0, validate: [atLeast(0), rule<number>('0', (v) => (v === 0 ? undefined : 'Samsa does not re-authenticate connections (KIP-368); only 0 is accepted'))],
    importance: 'MEDIUM', doc: 'Samsa accepts only 0: an authenticated connection stays authenticated until it closes.',
  }),
};

export interface ListenerSaslConfig {
  readonly mechanisms: readonly SaslMechanismName[];
  /** PLAIN's users (name → password), from the listener's PlainLoginModule entry. */
  readonly plainUsers: ReadonlyMap<string, string>;
}

export interface SaslValues {
  readonly 'sasl.enabled.mechanisms': readonly string[];
  readonly 'sasl.mechanism.inter.broker.protocol': string | null;
  readonly 'connection.failed.authentication.delay.ms': number;
}

/** The resolved settings; printing it (startup log, JSON) never shows a password. */
export class BrokerSaslConfig {
  constructor(
    /** SASL listeners only, by listener name (upper-case, as in `listeners`). */
    readonly listeners: ReadonlyMap<string, ListenerSaslConfig>,
    /** The broker's own credentials when the inter-broker listener uses SASL. */
    readonly interBroker: ClientSaslCredentials | null,
    readonly failedAuthenticationDelayMs: number,
  ) {}

  toJSON(): unknown {
    return {
      listeners: Object.fromEntries([...this.listeners].map(([name, l]) => [name, { mechanisms: l.mechanisms, plainUsers: [...l.plainUsers.keys()] }])),
      interBroker: this.interBroker ? { mechanism: this.interBroker.mechanism, username: this.interBroker.username, password: '[hidden]' } : null,
      failedAuthenticationDelayMs: this.failedAuthenticationDelayMs,
    };
  }

  toString(): string {
    return JSON.stringify(this);
  }
}

export interface ResolvedBrokerSasl {
  readonly sasl: BrokerSaslConfig;
  /** The listener-prefixed keys read here, so the caller does not report them as unknown. */
  readonly consumedKeys: ReadonlySet<string>;
}

function listenerPrefix(listener: string): string {
  return `listener.name.${listener.toLowerCase()}.`;
}

function rawText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

export function resolveBrokerSasl(raw: RawConfig, v: SaslValues, listeners: readonly Listener[], interBrokerListenerName: string): ResolvedBrokerSasl {
  const entries = new Map(rawEntries(raw).map(([k, value]) => [k, rawText(value)] as const));
  const consumed = new Set<string>();
  const read = (key: string): string | undefined => {
    const value = entries.get(key);
    if (value !== undefined) consumed.add(key);
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  if (read('sasl.jaas.config') !== undefined) {
    throw new ConfigError('Configuration sasl.jaas.config is not read by brokers: set listener.name.<listener>.<mechanism>.sasl.jaas.config (listener and mechanism in lower case), as Kafka does', { key: 'sasl.jaas.config' });
  }
  const out = new Map<string, ListenerSaslConfig>();
  for (const listener of listeners) {
    if (!usesSasl(listener.securityProtocol)) continue;
    const prefix = listenerPrefix(listener.name);
    const ownKey = `${prefix}sasl.enabled.mechanisms`;
    const own = read(ownKey);
    const names = own !== undefined ? own.split(',').map((s) => s.trim()).filter((s) => s !== '') : [...v['sasl.enabled.mechanisms']];
    for (const name of names) {
      const problem = mechanismProblem(name);
      if (problem) throw ConfigError.invalidValue(ownKey, own, problem);
    }
    if (names.length === 0) throw ConfigError.invalidValue(own !== undefined ? ownKey : 'sasl.enabled.mechanisms', own ?? '', `listener ${listener.name} uses SASL but enables no mechanism`);
    let plainUsers = new Map<string, string>();
    if (names.includes('PLAIN')) {
      const key = `${prefix}plain.sasl.jaas.config`;
      const text = read(key);
      if (text === undefined) throw new ConfigError(`Listener ${listener.name} enables PLAIN but ${key} is not set: its PlainLoginModule user_<name>="<password>" options are the accepted users`, { key });
      const jaas = parseJaasConfig(key, text);
      if (jaas.loginModule !== PLAIN_LOGIN_MODULE) throw new ConfigError(`Configuration ${key} must name ${PLAIN_LOGIN_MODULE}, not ${jaas.loginModule}`, { key });
      plainUsers = new Map([...jaas.options].filter(([k]) => k.startsWith('user_') && k.length > 5).map(([k, pw]) => [k.slice(5), pw]));
    }
    for (const scram of ['scram-sha-256', 'scram-sha-512']) {
      const key = `${prefix}${scram}.sasl.jaas.config`;
      const text = read(key);
      if (text !== undefined && parseJaasConfig(key, text).loginModule !== SCRAM_LOGIN_MODULE) {
        throw new ConfigError(`Configuration ${key} must name ${SCRAM_LOGIN_MODULE}`, { key });
      }
    }
    out.set(listener.name, { mechanisms: names as SaslMechanismName[], plainUsers });
  }
  const interBroker = interBrokerCredentials(v, out, interBrokerListenerName, read);
  return { sasl: new BrokerSaslConfig(out, interBroker, v['connection.failed.authentication.delay.ms']), consumedKeys: consumed };
}

function interBrokerCredentials(v: SaslValues, listeners: ReadonlyMap<string, ListenerSaslConfig>, name: string,
  read: (key: string) => string | undefined): ClientSaslCredentials | null {
  const listener = listeners.get(name);
  if (!listener) return null;
  const configured = v['sasl.mechanism.inter.broker.protocol'];
  const mechanism = (configured ?? listener.mechanisms[0]) as SaslMechanismName;
  if (!listener.mechanisms.includes(mechanism)) {
    throw ConfigError.invalidValue('sasl.mechanism.inter.broker.protocol', mechanism,
      `it must be enabled on the inter-broker listener ${name} (enabled: ${listener.mechanisms.join(',')})`);
  }
  const key = `${listenerPrefix(name)}${mechanism.toLowerCase()}.sasl.jaas.config`;
  const text = read(key);
  const jaas = text === undefined ? undefined : parseJaasConfig(key, text);
  const username = jaas?.options.get('username');
  const password = jaas?.options.get('password');
  if (!username || password === undefined) {
    throw new ConfigError(`The inter-broker listener ${name} uses SASL ${mechanism}: ${key} must give the broker's own username="..." password="..."`, { key });
  }
  return { mechanism, username, password };
}
