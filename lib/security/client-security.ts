/**
 * How a client (the library, the tools, and brokers talking to each other) secures its
 * connections: the security protocol, TLS settings for SSL/SASL_SSL, and the SASL mechanism and
 * credentials for SASL_PLAINTEXT/SASL_SSL. Resolved once from Kafka's client keys
 * (`security.protocol`, `ssl.*`, `sasl.mechanism`, `sasl.jaas.config`) and carried by every
 * Connection the client opens.
 */
import type { ConnectionOptions as TlsConnectionOptions } from 'tls';
import { SecurityProtocol } from './security-protocol';

export type SaslMechanismName = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ClientSaslCredentials {
  readonly mechanism: SaslMechanismName;
  readonly username: string;
  readonly password: string;
}

export interface ClientSecurity {
  readonly protocol: SecurityProtocol;
  /** Node TLS options (ca, cert, key, passphrase, rejectUnauthorized, checkServerIdentity, minVersion, ciphers) for SSL and SASL_SSL. */
  readonly tls?: TlsConnectionOptions;
  /** For SASL_PLAINTEXT and SASL_SSL. */
  readonly sasl?: ClientSaslCredentials;
}
