/**
 * Translates Kafka's protocol and cipher keys into Node's: `ssl.enabled.protocols` becomes a
 * minVersion/maxVersion range (Node offers a contiguous range, and Samsa only knows TLSv1.2 and
 * TLSv1.3, so no list is lost), and `ssl.cipher.suites` in Java's IANA names becomes OpenSSL's
 * cipher string. A list no suite of which OpenSSL knows fails at startup naming the key.
 */
import * as tls from 'tls';
import { ConfigError } from '../../config/config-error';
import { TlsProtocolName } from '../../config/security-config-defs';
import { KeyNamer } from './tls-material';

export interface TlsParameterValues {
  readonly 'ssl.enabled.protocols': readonly string[];
  readonly 'ssl.cipher.suites': readonly string[] | null;
}

/** IANA TLS 1.2 names (Java's) → OpenSSL's; TLS 1.3 names (TLS_AES_128_GCM_SHA256) are the same in both. */
function openSslCipherName(name: string): string {
  const m = /^TLS_(ECDHE|DHE)_(RSA|ECDSA)_WITH_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)_(SHA256|SHA384)$/.exec(name);
  if (!m) return name;
  const [, kx, auth, cipher] = m;
  const bulk = cipher === 'CHACHA20_POLY1305' ? 'CHACHA20-POLY1305' : `${cipher.replace(/_/g, '').replace('AES128GCM', 'AES128-GCM').replace('AES256GCM', 'AES256-GCM')}-${m[4]}`;
  const prefix = kx === 'ECDHE' ? `ECDHE-${auth}` : (auth === 'RSA' ? 'DHE-RSA' : 'DHE-DSS');
  return `${prefix}-${bulk}`;
}

export interface TlsParameters {
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
  ciphers?: string;
}

export function tlsParameters(v: TlsParameterValues, name: KeyNamer): TlsParameters {
  const versions = v['ssl.enabled.protocols'] as readonly TlsProtocolName[];
  const minVersion: tls.SecureVersion = versions.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3';
  const maxVersion: tls.SecureVersion = versions.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2';
  const suites = v['ssl.cipher.suites'];
  if (suites === null || suites.length === 0) return { minVersion, maxVersion };
  const ciphers = suites.map(openSslCipherName).join(':');
  try {
    tls.createSecureContext({ ciphers, minVersion, maxVersion });
  } catch (err) {
    throw ConfigError.invalidValue(name('ssl.cipher.suites'), suites, `no cipher suite OpenSSL knows (${(err as Error).message})`);
  }
  return { minVersion, maxVersion, ciphers };
}

/** OpenSSL's reason ("peer did not return a certificate") instead of its multi-line error stack. */
export function tlsErrorReason(err: Error): string {
  const reason = (err as { reason?: unknown }).reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  return err.message.split('\n')[0].trim();
}
