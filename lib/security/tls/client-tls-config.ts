/**
 * A client's TLS settings from Kafka's client keys (ssl.truststore.*, ssl.keystore.* for mutual
 * TLS, ssl.key.password, ssl.endpoint.identification.algorithm, ssl.enabled.protocols,
 * ssl.cipher.suites), as the options Node's tls.connect takes. Stores are read and checked once,
 * when the client is configured, so a wrong path fails with the key's name, not at first connect.
 */
import * as tls from 'tls';
import { TlsParameterValues, tlsParameters } from './tls-parameters';
import { keyMaterialOptions, KeyNamer, loadKeyStore, loadTrustStore, SslStoreValues } from './tls-material';

export interface ClientTlsValues extends SslStoreValues, TlsParameterValues {
  readonly 'ssl.endpoint.identification.algorithm': string;
}

const asWritten: KeyNamer = (key) => key;

/**
 * Node connection options: CAs, client certificate, TLS versions, ciphers. With an empty
 * ssl.endpoint.identification.algorithm the chain is still verified, only the host name check is
 * skipped, as in Kafka. (servername for SNI is set per connection, from the broker's host.)
 */
export function clientTlsOptions(v: ClientTlsValues, name: KeyNamer = asWritten): tls.ConnectionOptions {
  const trusted = loadTrustStore(v, name);
  const parameters = tlsParameters(v, name);
  return {
    ...keyMaterialOptions(loadKeyStore(v, name)),
    ...(trusted ? { ca: trusted } : {}),
    rejectUnauthorized: true,
    minVersion: parameters.minVersion,
    maxVersion: parameters.maxVersion,
    ...(parameters.ciphers ? { ciphers: parameters.ciphers } : {}),
    ...(v['ssl.endpoint.identification.algorithm'].toLowerCase() === 'https' ? {} : { checkServerIdentity: () => undefined }),
  };
}
