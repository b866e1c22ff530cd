/**
 * Network addresses that appear in configuration: listeners (`NAME://host:port`), client
 * bootstrap addresses (`host:port`) and the ZooKeeper connect string (`h:p,h:p/chroot`).
 *
 * Each parser returns a reason string instead of throwing, so the config validators can wrap it
 * in a ConfigError that names the key being parsed. IPv6 literals are written in brackets
 * (`[::1]:9092`), as Kafka and ZooKeeper expect.
 */
import { isSecurityProtocol, SecurityProtocol } from '../security/security-protocol';

export interface HostPort {
  /** Empty for a listener bound to every interface (`PLAINTEXT://:9092`). */
  host: string;
  port: number;
}

/**
 * What a listener's connections speak: Samsa's native protocol, or Apache Kafka's wire protocol
 * (`listener.wire.protocol.map`). The controller and replica fetchers speak the native one.
 */
export type WireProtocol = 'samsa' | 'kafka';
export const WIRE_PROTOCOLS: readonly WireProtocol[] = ['samsa', 'kafka'];

export interface Listener extends HostPort {
  /** Upper-cased listener name, e.g. `PLAINTEXT`. */
  name: string;
  /** From listener.security.protocol.map: TLS for SSL/SASL_SSL, SASL for SASL_PLAINTEXT/SASL_SSL. */
  securityProtocol: SecurityProtocol;
  wireProtocol: WireProtocol;
}

export interface ZookeeperConnect {
  servers: HostPort[];
  /** `/samsa` for `zk:2181/samsa`; null when every path lives at the ZooKeeper root. */
  chroot: string | null;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.%A-Za-z]+\])$/;
const LISTENER = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/\[\]]*):([^:/]*)$/;
const ZK_SEGMENT = /^[^/\u0000]+$/;

export const DEFAULT_ZOOKEEPER_PORT = 2181;

export function parsePort(text: string): Parsed<number> {
  if (!/^\d+$/.test(text)) return { ok: false, reason: `Port '${text}' is not a number` };
  const port = Number(text);
  if (port > 65535) return { ok: false, reason: `Port ${text} is out of range 0-65535` };
  return { ok: true, value: port };
}

/** Strips the brackets of an IPv6 literal; other hosts are returned as written. */
function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `host:port` with an optional default port; used for bootstrap servers and ZooKeeper hosts. */
export function parseHostPort(text: string, defaultPort?: number): Parsed<HostPort> {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(text.trim());
  if (!match || !HOST.test(match[1])) return { ok: false, reason: `'${text}' is not of the form host:port` };
  if (match[2] === undefined) {
    if (defaultPort === undefined) return { ok: false, reason: `'${text}' has no port; expected host:port` };
    return { ok: true, value: { host: unbracket(match[1]), port: defaultPort } };
  }
  const port = parsePort(match[2]);
  if (!port.ok) return { ok: false, reason: `${port.reason} in '${text}'` };
  return { ok: true, value: { host: unbracket(match[1]), port: port.value } };
}

/** Formats an address for logs and for Kafka's `endpoints` registration field. */
export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export function formatListener(listener: Listener): string {
  return `${listener.name}://${formatHostPort(listener)}`;
}

/**
 * Parses one `NAME://host:port` entry. Security protocols come from the protocol map and must be
 * one of Kafka's four. A listener absent from
 * `wireProtocols` speaks Samsa's native protocol.
 */
export function parseListener(
  text: string, protocolMap: ReadonlyMap<string, string>, wireProtocols: ReadonlyMap<string, WireProtocol> = new Map(),
): Parsed<Listener> {
  const match = LISTENER.exec(text.trim());
  if (!match) return { ok: false, reason: `Listener '${text}' is not of the form NAME://host:port` };
  const [, rawName, rawHost, rawPort] = match;
  if (rawHost !== '' && !HOST.test(rawHost)) return { ok: false, reason: `Listener '${text}' has an invalid host '${rawHost}'` };
  const port = parsePort(rawPort);
  if (!port.ok) return { ok: false, reason: `${port.reason} in listener '${text}'` };
  const name = rawName.toUpperCase();
  const protocol = protocolMap.get(name);
  if (protocol === undefined) return { ok: false, reason: `No security protocol defined for listener ${name}` };
  if (!isSecurityProtocol(protocol)) {
    return { ok: false, reason: `Listener ${name} uses unknown security protocol ${protocol}; expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL` };
  }
  const wireProtocol = wireProtocols.get(name) ?? 'samsa';
  return { ok: true, value: { name, host: unbracket(rawHost), port: port.value, securityProtocol: protocol, wireProtocol } };
}

/**
 * Parses `http.listener` (`http://host:port`): the broker's HTTP endpoint for health, readiness and
 * metrics. Only plain http: the endpoint carries no client data, and TLS belongs to a proxy.
 */
export function parseHttpListener(text: string): Parsed<HostPort> {
  const match = /^http:\/\/(\[[^\]]*\]|[^:/\[\]]*):([^:/]*)\/?$/i.exec(text.trim());
  if (!match) return { ok: false, reason: `'${text}' is not of the form http://host:port` };
  const [, rawHost, rawPort] = match;
  if (rawHost !== '' && !HOST.test(rawHost)) return { ok: false, reason: `'${text}' has an invalid host '${rawHost}'` };
  const port = parsePort(rawPort);
  if (!port.ok) return { ok: false, reason: `${port.reason} in '${text}'` };
  return { ok: true, value: { host: unbracket(rawHost), port: port.value } };
}

/** Parses a listener list and enforces Kafka's uniqueness rules (names always, ports when bound). */
export function parseListeners(
  items: readonly string[], protocolMap: ReadonlyMap<string, string>, distinctPorts: boolean,
  wireProtocols: ReadonlyMap<string, WireProtocol> = new Map(),
): Parsed<Listener[]> {
  const listeners: Listener[] = [];
  for (const item of items) {
    const parsed = parseListener(item, protocolMap, wireProtocols);
    if (!parsed.ok) return parsed;
    listeners.push(parsed.value);
  }
  const names = listeners.map((l) => l.name);
  if (new Set(names).size !== names.length) return { ok: false, reason: 'Each listener must have a different name' };
  // Port 0 asks the OS for a free port, so several port-0 listeners do not collide.
  const ports = listeners.map((l) => l.port).filter((p) => p !== 0);
  if (distinctPorts && new Set(ports).size !== ports.length) return { ok: false, reason: 'Each listener must have a different port' };
  return { ok: true, value: listeners };
}

/** `NAME:PROTOCOL,NAME:PROTOCOL` (Kafka's listener.security.protocol.map). */
export function parseProtocolMap(items: readonly string[]): Parsed<Map<string, string>> {
  const map = new Map<string, string>();
  for (const item of items) {
    const match = /^([A-Za-z0-9_]+):([A-Za-z0-9_]+)$/.exec(item);
    if (!match) return { ok: false, reason: `Entry '${item}' is not of the form LISTENER_NAME:SECURITY_PROTOCOL` };
    map.set(match[1].toUpperCase(), match[2].toUpperCase());
  }
  return { ok: true, value: map };
}

/**
 * `NAME:samsa|kafka,...` (Samsa's listener.wire.protocol.map): which listeners speak Kafka's wire
 * protocol. Values are case-insensitive; a name listed twice is a mistake, not an override.
 */
export function parseWireProtocolMap(items: readonly string[]): Parsed<Map<string, WireProtocol>> {
  const map = new Map<string, WireProtocol>();
  for (const item of items) {
    const match = /^([A-Za-z0-9_]+):([A-Za-z]+)$/.exec(item);
    if (!match) return { ok: false, reason: `Entry '${item}' is not of the form LISTENER_NAME:WIRE_PROTOCOL` };
    const name = match[1].toUpperCase();
    const protocol = match[2].toLowerCase() as WireProtocol;
    if (!WIRE_PROTOCOLS.includes(protocol)) {
      return { ok: false, reason: `Listener ${name} has wire protocol '${match[2]}'; expected one of: ${WIRE_PROTOCOLS.join(', ')}` };
    }
    if (map.has(name)) return { ok: false, reason: `Listener ${name} is listed more than once` };
    map.set(name, protocol);
  }
  return { ok: true, value: map };
}

/**
 * `host:port[,host:port...][/chroot]`. A host without a port means 2181, as in ZooKeeper's own
 * client. The chroot follows ZooKeeper's path rules: absolute, no empty segments, no trailing `/`.
 */
export function parseZookeeperConnect(text: string): Parsed<ZookeeperConnect> {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const hostsPart = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const chrootPart = slash < 0 ? '' : trimmed.slice(slash);
  if (hostsPart === '') return { ok: false, reason: 'Expected host:port[,host:port...][/chroot]' };
  const servers: HostPort[] = [];
  for (const entry of hostsPart.split(',')) {
    const parsed = parseHostPort(entry, DEFAULT_ZOOKEEPER_PORT);
    if (!parsed.ok) return { ok: false, reason: `${parsed.reason}; expected host:port[,host:port...][/chroot]` };
    servers.push(parsed.value);
  }
  if (chrootPart === '' || chrootPart === '/') return { ok: true, value: { servers, chroot: null } };
  const segments = chrootPart.slice(1).split('/');
  if (!segments.every((s) => ZK_SEGMENT.test(s) && s !== '.' && s !== '..')) {
    return { ok: false, reason: `Invalid chroot path '${chrootPart}'` };
  }
  return { ok: true, value: { servers, chroot: chrootPart } };
}
