/**
 * Options every client (Admin, Producer, Consumer) shares, their defaults, and the parsing of
 * `bootstrap.servers`. Resolving them once here, with the defaults read from the property
 * definitions in lib/config/client-config.ts, keeps each default in one place instead of
 * scattering `?? 30000` through the connection, metadata and retry code.
 */
import { commonKeys as commonClientConfigDefs } from '../config/client-config';
import { configDefault } from '../config/config-default';
import { formatHostPort, HostPort } from '../config/endpoints';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ClientSecurity } from '../security/client-security';
import type { MetricsRegistry } from './client-metrics-registry';
import type { ClientLogger } from './client-logger';

export interface ClientOptions {
  /** "host:port,host:port" or a list of "host:port". */
  bootstrapServers: string | string[];
  clientId?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  retryBackoffMs?: number;
  reconnectBackoffMs?: number;
  reconnectBackoffMaxMs?: number;
  metadataMaxAgeMs?: number;
  /** TLS and SASL (Kafka's security.protocol, ssl.*, sasl.*); PLAINTEXT when absent. */
  security?: ClientSecurity;
  /**
   * A prom-client Registry (or anything with its registerMetric/getSingleMetric) to publish the
   * client's metrics() on, as `samsa_client_*` series labelled by client id. prom-client itself
   * is never loaded by the client.
   */
  metricsRegistry?: MetricsRegistry;
  /**
   * Where the client's log lines go: an object with error/warn/info/debug(message, meta), meta
   * carrying `subsystem` ('client', 'producer', 'consumer'). Absent: warnings and errors on stderr
   * (SAMSA_LOG_LEVEL sets the level). Pass e.g. a winston or pino logger, or `console`.
   */
  logger?: ClientLogger;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

export interface ResolvedClientOptions {
  bootstrap: BrokerAddress[];
  clientId: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  retryBackoffMs: number;
  /** Ceiling for the exponential retry backoff (Kafka's retry.backoff.max.ms). */
  retryBackoffMaxMs: number;
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  metadataMaxAgeMs: number;
  security: ClientSecurity | undefined;
  metricsRegistry: MetricsRegistry | undefined;
  /** The injected logger (undefined: the process default, see client-logger.ts). */
  logger?: ClientLogger;
}

const common = <K extends keyof typeof commonClientConfigDefs & string>(key: K) => configDefault(commonClientConfigDefs, key);

export const CLIENT_DEFAULTS = {
  clientId: 'samsa-client',
  requestTimeoutMs: common('request.timeout.ms'),
  connectTimeoutMs: common('socket.connection.setup.timeout.ms'),
  retryBackoffMs: common('retry.backoff.ms'),
  retryBackoffMaxMs: common('retry.backoff.max.ms'),
  reconnectBackoffMs: common('reconnect.backoff.ms'),
  reconnectBackoffMaxMs: common('reconnect.backoff.max.ms'),
  metadataMaxAgeMs: common('metadata.max.age.ms'),
} as const;

function invalid(detail: string): SamsaError {
  const err = new SamsaError(ErrorCode.INVALID_CONFIG, detail);
  err.message = detail;
  return err;
}

/** Parses one "host:port" (IPv6 hosts in brackets: "[::1]:9092"). */
export function parseBrokerAddress(text: string): BrokerAddress {
  const trimmed = text.trim();
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(trimmed);
  if (!match) throw invalid(`Invalid url in bootstrap.servers: ${trimmed} (expected host:port)`);
  const port = Number(match[3]);
  if (port < 1 || port > 65535) throw invalid(`Invalid port in bootstrap.servers: ${trimmed}`);
  return { host: match[1] ?? match[2], port };
}

export function parseBootstrapServers(servers: string | string[]): BrokerAddress[] {
  const items = (Array.isArray(servers) ? servers : [servers])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw invalid('bootstrap.servers must list at least one host:port');
  return items.map(parseBrokerAddress);
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw invalid(`Invalid value ${value} for ${name}: must be a non-negative number`);
  return value;
}

export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  const retryBackoffMs = nonNegative('retryBackoffMs', options.retryBackoffMs, CLIENT_DEFAULTS.retryBackoffMs);
  const reconnectBackoffMs = nonNegative('reconnectBackoffMs', options.reconnectBackoffMs, CLIENT_DEFAULTS.reconnectBackoffMs);
  return {
    bootstrap: parseBootstrapServers(options.bootstrapServers),
    clientId: options.clientId ?? CLIENT_DEFAULTS.clientId,
    requestTimeoutMs: nonNegative('requestTimeoutMs', options.requestTimeoutMs, CLIENT_DEFAULTS.requestTimeoutMs),
    connectTimeoutMs: nonNegative('connectTimeoutMs', options.connectTimeoutMs, CLIENT_DEFAULTS.connectTimeoutMs),
    retryBackoffMs,
    retryBackoffMaxMs: Math.max(retryBackoffMs, CLIENT_DEFAULTS.retryBackoffMaxMs),
    reconnectBackoffMs,
    reconnectBackoffMaxMs: Math.max(
      reconnectBackoffMs,
      nonNegative('reconnectBackoffMaxMs', options.reconnectBackoffMaxMs, CLIENT_DEFAULTS.reconnectBackoffMaxMs),
    ),
    metadataMaxAgeMs: nonNegative('metadataMaxAgeMs', options.metadataMaxAgeMs, CLIENT_DEFAULTS.metadataMaxAgeMs),
    security: options.security,
    metricsRegistry: options.metricsRegistry,
    logger: options.logger,
  };
}

/** The connection settings producer and consumer configs share, as parsed from Kafka property names. */
export interface ParsedCommonClientConfig {
  bootstrapServers: HostPort[];
  clientId: string;
  requestTimeoutMs: number;
  socketConnectionSetupTimeoutMs: number;
  retryBackoffMs: number;
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  metadataMaxAgeMs: number;
  security?: ClientSecurity;
}

/** Maps the shared settings to ClientOptions and warns once per unknown key, as Kafka's clients do. */
export function commonClientOptions(config: ParsedCommonClientConfig, unknownKeys: readonly string[], log: ClientLogger): ClientOptions {
  for (const key of unknownKeys) log.warn(`The configuration '${key}' was supplied but isn't a known config.`);
  return {
    bootstrapServers: config.bootstrapServers.map(formatHostPort),
    clientId: config.clientId === '' ? undefined : config.clientId,
    requestTimeoutMs: config.requestTimeoutMs,
    connectTimeoutMs: config.socketConnectionSetupTimeoutMs,
    retryBackoffMs: config.retryBackoffMs,
    reconnectBackoffMs: config.reconnectBackoffMs,
    reconnectBackoffMaxMs: config.reconnectBackoffMaxMs,
    metadataMaxAgeMs: config.metadataMaxAgeMs,
    security: config.security,
  };
}
