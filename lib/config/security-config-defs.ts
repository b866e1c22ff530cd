/**
 * Kafka's transport-security keys, defined once for the broker (broker-config-defs.ts spreads
 * them, and `listener.name.<listener>.ssl.*` overrides reuse the same definitions) and for the
 * clients (client-config.ts spreads `clientSecurityKeys`).
 *
 * Passwords are plain strings here; they never reach an error message or a log line because
 * the code that reads key stores (lib/security/tls/tls-material.ts) names the key, never its value.
 */
import { enumKey, listKey, stringKey } from './config-def';
import { SECURITY_PROTOCOLS } from '../security/security-protocol';
import { rule } from './validators';

/** TLS versions Samsa speaks; Kafka's SSLv3, TLSv1 and TLSv1.1 are refused, not just disabled. */
export const TLS_PROTOCOLS = ['TLSv1.2', 'TLSv1.3'] as const;
export type TlsProtocolName = (typeof TLS_PROTOCOLS)[number];
export const STORE_TYPES = ['PEM', 'PKCS12', 'JKS'] as const;
export type StoreType = (typeof STORE_TYPES)[number];
export const SSL_CLIENT_AUTH = ['none', 'requested', 'required'] as const;
export type SslClientAuth = (typeof SSL_CLIENT_AUTH)[number];

const tlsVersions = rule<readonly string[]>('[TLSv1.2, TLSv1.3]', (items) => {
  if (items.length === 0) return 'List must contain at least one entry';
  const bad = items.find((item) => !(TLS_PROTOCOLS as readonly string[]).includes(item));
  return bad === undefined ? undefined : `${bad} is not supported: Samsa speaks TLSv1.2 and TLSv1.3 only`;
});

const sslProtocol = rule<string>('TLS, TLSv1.2, TLSv1.3', (value) =>
  ['TLS', ...TLS_PROTOCOLS].includes(value) ? undefined : `${value} is not supported: use TLSv1.2 or TLSv1.3`);

const endpointIdentification = rule<string>('https or empty', (value) =>
  value === '' || value.toLowerCase() === 'https' ? undefined : 'Only https (verify the host name) or an empty value (do not) are supported');

/** Keys brokers and clients share: key store, trust store, protocols, ciphers, host name verification. */
export const sslCommonKeys = {
  'ssl.protocol': stringKey({ default: 'TLSv1.3', validate: sslProtocol, importance: 'MEDIUM', doc: 'The TLS protocol family; the versions actually offered are ssl.enabled.protocols.' }),
  'ssl.enabled.protocols': listKey({ default: [...TLS_PROTOCOLS], validate: tlsVersions, importance: 'MEDIUM', doc: 'TLS versions offered; TLSv1.2 and TLSv1.3 only (older versions are refused).' }),
  'ssl.cipher.suites': listKey({ default: null, importance: 'LOW', doc: 'Cipher suites, IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) or OpenSSL names; unset: Node\'s defaults.' }),
  'ssl.endpoint.identification.algorithm': stringKey({ default: 'https', validate: endpointIdentification, importance: 'LOW', doc: 'https: a client checks the server certificate names the host it connected to; empty: no host name check.' }),
  'ssl.keystore.type': enumKey(STORE_TYPES, { default: null, caseInsensitive: true, importance: 'MEDIUM', doc: 'PEM or PKCS12 (JKS is refused: convert with keytool -importkeystore -deststoretype PKCS12). Unset: PEM when the file is PEM text, else PKCS12.' }),
  'ssl.keystore.location': stringKey({ default: null, importance: 'HIGH', doc: 'Key store file: for PEM one file holding the private key and the certificate chain.' }),
  'ssl.keystore.password': stringKey({ default: null, importance: 'HIGH', doc: 'Password of a PKCS12 key store (for PEM, ssl.key.password).' }),
  'ssl.key.password': stringKey({ default: null, importance: 'HIGH', doc: 'Password of an encrypted private key (PEM), or of the key inside a PKCS12 store.' }),
  'ssl.keystore.key': stringKey({ default: null, importance: 'HIGH', doc: 'The private key in PEM, inline (instead of ssl.keystore.location).' }),
  'ssl.keystore.certificate.chain': stringKey({ default: null, importance: 'HIGH', doc: 'The certificate chain in PEM, inline (with ssl.keystore.key).' }),
  'ssl.truststore.type': enumKey(STORE_TYPES, { default: null, caseInsensitive: true, importance: 'MEDIUM', doc: 'PEM or PKCS12 (JKS is refused). Unset: PEM when the file is PEM text, else PKCS12.' }),
  'ssl.truststore.location': stringKey({ default: null, importance: 'HIGH', doc: 'Trust store file: for PEM a bundle of CA certificates. Unset: Node\'s built-in CAs.' }),
  'ssl.truststore.password': stringKey({ default: null, importance: 'HIGH', doc: 'Password of a PKCS12 trust store.' }),
  'ssl.truststore.certificates': stringKey({ default: null, importance: 'HIGH', doc: 'Trusted CA certificates in PEM, inline (instead of ssl.truststore.location).' }),
  'ssl.keymanager.algorithm': stringKey({ default: 'SunX509', importance: 'LOW', ignored: true, doc: 'Ignored: a Java setting; Node uses OpenSSL.' }),
  'ssl.trustmanager.algorithm': stringKey({ default: 'PKIX', importance: 'LOW', ignored: true, doc: 'Ignored: a Java setting; Node uses OpenSSL.' }),
  'ssl.secure.random.implementation': stringKey({ default: null, importance: 'LOW', ignored: true, doc: 'Ignored: a Java setting; Node uses OpenSSL.' }),
  'ssl.provider': stringKey({ default: null, importance: 'LOW', ignored: true, doc: 'Ignored: a Java setting; Node uses OpenSSL.' }),
};

/** Broker-only TLS keys. */
export const sslBrokerKeys = {
  'ssl.client.auth': enumKey(SSL_CLIENT_AUTH, { default: 'none', caseInsensitive: true, importance: 'MEDIUM', doc: 'Client certificates on TLS listeners: none, requested (checked when sent) or required.' }),
  'ssl.principal.mapping.rules': stringKey({ default: 'DEFAULT', importance: 'LOW', doc: 'Maps a client certificate\'s distinguished name to a user name: DEFAULT (the DN itself) and RULE:pattern/replacement/[LU] rules, first match wins (KIP-371).' }),
};

/** Every TLS key a broker listener resolves (the listener-prefixed overrides take the same keys). */
export const sslListenerKeys = { ...sslCommonKeys, ...sslBrokerKeys };

/** The client keys that decide how a client secures its connections. */
export const clientSecurityKeys = {
  'security.protocol': enumKey(SECURITY_PROTOCOLS, { default: 'PLAINTEXT', caseInsensitive: true, importance: 'MEDIUM', doc: 'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.' }),
  ...sslCommonKeys,
  'sasl.mechanism': stringKey({ default: null, importance: 'MEDIUM', doc: 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (Kafka\'s GSSAPI default is not supported, so SASL clients must set it).' }),
  'sasl.jaas.config': stringKey({ default: null, importance: 'MEDIUM', doc: 'The login module with the credentials: org.apache.kafka.common.security.scram.ScramLoginModule (or plain.PlainLoginModule) required username="..." password="...";' }),
};
