/**
 * Resolves the listener keys into the broker's network settings, with Kafka 2.8's rules
 * (KafkaConfig.validateValues) plus Samsa's one addition: which wire protocol each listener speaks.
 *
 * - `listeners`: every entry is bound; names unique, ports distinct (port 0 may repeat), every
 *   name mapped in `listener.security.protocol.map` to PLAINTEXT.
 * - `listener.wire.protocol.map`: listeners named `kafka` speak Apache Kafka's protocol, all others
 *   Samsa's. An explicitly configured entry must name a listener; the default (KAFKA:kafka) need not.
 * - `advertised.listeners`: defaults to `listeners`; when set, its names must be equal to or a
 *   subset of those in `listeners` (a listener left out is bound but not published).
 * - `inter.broker.listener.name`: an advertised listener speaking the native protocol, because the
 *   controller and the replica fetchers speak it; by default PLAINTEXT when that qualifies, else
 *   the first native listener. A broker with no native listener cannot join a cluster.
 * - `security.inter.broker.protocol` (exclusive with inter.broker.listener.name, as in Kafka):
 *   the listener named after the protocol, as Kafka picks it; Samsa also accepts the first native
 *   advertised listener mapped to that protocol when none carries its name.
 *
 * Every error names the key a user would edit.
 */
import * as os from 'os';
import { ConfigError } from './config-error';
import { Listener, parseListeners, parseProtocolMap, parseWireProtocolMap, WireProtocol } from './endpoints';

export interface ListenerKeys {
  readonly listeners: readonly string[];
  readonly 'advertised.listeners': readonly string[] | null;
  readonly 'listener.security.protocol.map': readonly string[];
  readonly 'listener.wire.protocol.map': readonly string[];
  readonly 'inter.broker.listener.name': string | null;
  readonly 'security.inter.broker.protocol': string | null;
}

export interface NetworkSettings {
  /** Every listener to bind, in configured order. */
  listeners: Listener[];
  /** What goes into `/brokers/ids/<id>`; a port of 0 means "the port the listener got bound to". */
  advertisedListeners: Listener[];
  interBrokerListenerName: string;
}

/** `wireProtocolMapProvided`: the user set listener.wire.protocol.map (the default is lenient). */
export function resolveListeners(v: ListenerKeys, wireProtocolMapProvided: boolean): NetworkSettings {
  const protocolMap = parseProtocolMap(v['listener.security.protocol.map']);
  if (!protocolMap.ok) throw ConfigError.invalidValue('listener.security.protocol.map', v['listener.security.protocol.map'], protocolMap.reason);
  const wireMap = parseWireProtocolMap(v['listener.wire.protocol.map']);
  if (!wireMap.ok) throw ConfigError.invalidValue('listener.wire.protocol.map', v['listener.wire.protocol.map'], wireMap.reason);

  const parsed = parseListeners(v.listeners, protocolMap.value, true, wireMap.value);
  if (!parsed.ok) throw ConfigError.invalidValue('listeners', v.listeners, parsed.reason);
  const listeners = parsed.value;
  if (wireProtocolMapProvided) checkWireMapNamesListeners(v, wireMap.value, listeners);
  if (!listeners.some((l) => l.wireProtocol === 'samsa')) {
    throw ConfigError.invalidValue('listeners', v.listeners,
      'No listener speaks Samsa\'s native protocol, which the controller and replica fetchers use between brokers; ' +
      `add one (e.g. PLAINTEXT://:9092). Listeners speaking the Kafka protocol (listener.wire.protocol.map): ${listeners.map((l) => l.name).join(', ')}`);
  }

  const advertisedListeners = resolveAdvertised(v, protocolMap.value, listeners);
  const interBrokerListenerName = resolveInterBrokerListener(v, advertisedListeners);
  return { listeners, advertisedListeners, interBrokerListenerName };
}

function checkWireMapNamesListeners(v: ListenerKeys, wireMap: ReadonlyMap<string, WireProtocol>, listeners: readonly Listener[]): void {
  const names = new Set(listeners.map((l) => l.name));
  const stray = [...wireMap.keys()].filter((name) => !names.has(name));
  if (stray.length > 0) {
    throw ConfigError.invalidValue('listener.wire.protocol.map', v['listener.wire.protocol.map'],
      `Listener ${stray.join(', ')} is not defined in listeners. The valid options based on the current configuration are ${[...names].join(',')}`);
  }
}

function resolveAdvertised(v: ListenerKeys, protocolMap: ReadonlyMap<string, string>, listeners: readonly Listener[]): Listener[] {
  if (v['advertised.listeners'] === null) return listeners.map(advertisable('listeners', v.listeners));
  const raw = v['advertised.listeners'];
  const wireOf = new Map(listeners.map((l) => [l.name, l.wireProtocol]));
  const parsed = parseListeners(raw, protocolMap, false, wireOf);
  if (!parsed.ok) throw ConfigError.invalidValue('advertised.listeners', raw, parsed.reason);
  const unknown = parsed.value.filter((l) => !wireOf.has(l.name));
  if (unknown.length > 0) {
    throw ConfigError.invalidValue('advertised.listeners', raw,
      'advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. ' +
      `Found ${parsed.value.map((l) => l.name).join(',')}. The valid options based on the current configuration are ${[...wireOf.keys()].join(',')}`);
  }
  return parsed.value.map(advertisable('advertised.listeners', raw));
}

/** Kafka refuses 0.0.0.0, which no client can connect to, and advertises the host name for an empty host. */
function advertisable(key: string, raw: readonly string[]): (l: Listener) => Listener {
  return (l) => {
    if (l.host === '0.0.0.0') {
      throw ConfigError.invalidValue(key, raw, 'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.');
    }
    return l.host === '' ? { ...l, host: os.hostname() } : l;
  };
}

function resolveInterBrokerListener(v: ListenerKeys, advertised: readonly Listener[]): string {
  const advertisedNames = advertised.map((l) => l.name).join(',');
  const byProtocol = v['security.inter.broker.protocol']?.toUpperCase() ?? null;
  if (byProtocol !== null && v['inter.broker.listener.name'] !== null) {
    throw new ConfigError('Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.', { key: 'security.inter.broker.protocol' });
  }
  const configured = v['inter.broker.listener.name']?.toUpperCase() ?? (byProtocol === null ? null : listenerForProtocol(byProtocol, advertised));
  if (configured !== null) {
    const listener = advertised.find((l) => l.name === configured);
    if (!listener) {
      throw ConfigError.invalidValue('inter.broker.listener.name', configured,
        `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${advertisedNames}`);
    }
    if (listener.wireProtocol !== 'samsa') {
      throw ConfigError.invalidValue(byProtocol === null ? 'inter.broker.listener.name' : 'security.inter.broker.protocol', configured,
        `Listener ${configured} speaks the Kafka protocol (listener.wire.protocol.map), but the controller and replica fetchers speak Samsa's native protocol; name a native listener`);
    }
    return configured;
  }
  const native = advertised.filter((l) => l.wireProtocol === 'samsa');
  const chosen = native.find((l) => l.name === 'PLAINTEXT') ?? native[0];
  if (!chosen) {
    const key = v['advertised.listeners'] === null ? 'listeners' : 'advertised.listeners';
    throw ConfigError.invalidValue(key, v[key],
      'No advertised listener speaks Samsa\'s native protocol, so other brokers and the controller could not reach this one; advertise a native listener');
  }
  return chosen.name;
}

/** Kafka's ListenerName.forSecurityProtocol (the listener named after the protocol), else the first native listener using it. */
function listenerForProtocol(protocol: string, advertised: readonly Listener[]): string {
  if (advertised.some((l) => l.name === protocol)) return protocol;
  const native = advertised.find((l) => l.securityProtocol === protocol && l.wireProtocol === 'samsa');
  if (native) return native.name;
  throw ConfigError.invalidValue('security.inter.broker.protocol', protocol,
    `No advertised listener uses ${protocol}; the valid options based on currently configured listeners are ${[...new Set(advertised.map((l) => l.securityProtocol))].join(',')}`);
}
