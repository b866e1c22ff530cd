/**
 * The TLS settings of each SSL and SASL_SSL listener, resolved from the broker's ssl.* keys with
 * Kafka's per-listener overrides: `listener.name.<listener name, lower case>.ssl.<key>` replaces
 * `ssl.<key>` for that listener only. Everything is read and checked here, at startup, so a bad
 * store stops the broker with a ConfigError naming the key instead of failing the first handshake.
 */
import * as tls from 'tls';
import { ConfigError } from '../../config/config-error';
import { parseConfig, RawConfig, rawEntries, RawValue, ValuesOf } from '../../config/config-def';
import { SslClientAuth, sslListenerKeys } from '../../config/security-config-defs';
import { KeyMaterial, keyMaterialOptions, KeyNamer, loadKeyStore, loadTrustStore } from './tls-material';
import { PrincipalMapper, principalMapper } from './principal-mapper';
import { TlsParameters, tlsParameters } from './tls-parameters';

/** Everything a TLS listener (and an inter-broker client using it) needs, checked at startup. */
export interface ListenerTls {
  readonly listenerName: string;
  readonly keyStore: KeyMaterial;
  /** PEM CA certificates; undefined: Node's built-in CAs. */
  readonly trustedCertificates: readonly string[] | undefined;
  readonly clientAuth: SslClientAuth;
  readonly parameters: TlsParameters;
  /** ssl.endpoint.identification.algorithm=https: clients of this listener's settings check host names. */
  readonly verifyHostname: boolean;
  readonly mapPrincipal: PrincipalMapper;
}

const SSL_KEYS = Object.keys(sslListenerKeys);
const LISTENER_SSL_KEY = /^listener\.name\.([^.]+)\.(ssl\..+)$/;

/** True for the listener-prefixed TLS keys, which the broker's own definitions do not list. */
export function isListenerSslKey(key: string): boolean {
  const m = LISTENER_SSL_KEY.exec(key);
  return m !== null && SSL_KEYS.includes(m[2]);
}

/** The ssl.* values for one listener: each key from its listener prefix when set there, else unprefixed. */
function listenerValues(raw: RawConfig, listenerName: string): { values: ValuesOf<typeof sslListenerKeys>; name: KeyNamer } {
  const prefix = `listener.name.${listenerName.toLowerCase()}.`;
  const entries = new Map<string, RawValue>(rawEntries(raw));
  const chosen: Record<string, RawValue> = {};
  const fromPrefix = new Set<string>();
  for (const key of SSL_KEYS) {
    const prefixed = entries.get(prefix + key);
    if (prefixed !== undefined && prefixed !== null) {
      chosen[prefix + key] = prefixed;
      fromPrefix.add(key);
    } else if (entries.get(key) !== undefined && entries.get(key) !== null) {
      chosen[key] = entries.get(key);
    }
  }
  // Parse under the names the user wrote, so a bad value's error names the prefixed key.
  const renamed = Object.fromEntries(Object.entries(chosen).map(([k, val]) => [k.startsWith(prefix) ? k.slice(prefix.length) : k, val]));
  const name: KeyNamer = (key) => (fromPrefix.has(key) ? prefix + key : key);
  try {
    return { values: parseConfig(sslListenerKeys, renamed).values, name };
  } catch (err) {
    if (err instanceof ConfigError && err.key !== undefined && fromPrefix.has(err.key)) {
      throw new ConfigError(err.message.replace(`configuration ${err.key}`, `configuration ${prefix + err.key}`), { key: prefix + err.key, value: err.value });
    }
    throw err;
  }
}

export function resolveListenerTls(raw: RawConfig, listenerName: string): ListenerTls {
  const { values: v, name } = listenerValues(raw, listenerName);
  const keyStore = loadKeyStore(v, name);
  if (keyStore === undefined) {
    throw new ConfigError(
      `Listener ${listenerName} uses TLS but has no key store: set ${name('ssl.keystore.location')} ` +
      `(or ${name('ssl.keystore.key')} and ${name('ssl.keystore.certificate.chain')}), ` +
      `or listener.name.${listenerName.toLowerCase()}.ssl.keystore.location for this listener only`,
      { key: name('ssl.keystore.location') });
  }
  const parameters = tlsParameters(v, name);
  const trustedCertificates = loadTrustStore(v, name);
  const settings: ListenerTls = {
    listenerName,
    keyStore,
    trustedCertificates,
    clientAuth: v['ssl.client.auth'],
    parameters,
    verifyHostname: v['ssl.endpoint.identification.algorithm'].toLowerCase() === 'https',
    mapPrincipal: principalMapper(v['ssl.principal.mapping.rules'], name('ssl.principal.mapping.rules')),
  };
  // One SecureContext now proves key, chain, CAs and ciphers go together.
  try {
    tls.createSecureContext(serverContextOptions(settings));
  } catch (err) {
    throw new ConfigError(`Listener ${listenerName}: the TLS settings do not form a usable context (${(err as Error).message})`, { key: name('ssl.keystore.location') });
  }
  return settings;
}

function serverContextOptions(s: ListenerTls): tls.SecureContextOptions {
  return {
    ...keyMaterialOptions(s.keyStore),
    ...(s.trustedCertificates ? { ca: [...s.trustedCertificates] } : {}),
    minVersion: s.parameters.minVersion,
    maxVersion: s.parameters.maxVersion,
    ...(s.parameters.ciphers ? { ciphers: s.parameters.ciphers } : {}),
  };
}

/**
 * Node server options for a listener. `requested` asks for a certificate without requiring one;
 * an untrusted certificate is still refused after the handshake (socket-server.ts), as Java's
 * wantClientAuth refuses it.
 */
export function tlsServerOptions(s: ListenerTls): tls.TlsOptions {
  return {
    ...serverContextOptions(s),
    requestCert: s.clientAuth !== 'none',
    rejectUnauthorized: s.clientAuth === 'required',
  };
}
