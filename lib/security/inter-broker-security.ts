/**
 * How this broker secures its own connections to other brokers (controller channel, replica
 * fetchers, controlled shutdown): the inter-broker listener's security protocol; for SSL and
 * SASL_SSL the TLS client settings taken from that listener's own ssl.* keys, as Kafka does (the
 * trust store verifies the other broker, the key store is this broker's client certificate for
 * mutual TLS, and ssl.endpoint.identification.algorithm decides the host name check); for
 * SASL_PLAINTEXT and SASL_SSL the broker's own credentials from that listener's JAAS entry for
 * `sasl.mechanism.inter.broker.protocol` (resolved in lib/security/sasl/broker-sasl-config.ts).
 */
import * as tls from 'tls';
import { BrokerConfig } from '../config/broker-config';
import { ClientSecurity } from './client-security';
import { usesSasl, usesTls } from './security-protocol';
import { keyMaterialOptions } from './tls/tls-material';
import { ListenerTls } from './tls/listener-tls';

function clientOptionsOf(s: ListenerTls): tls.ConnectionOptions {
  return {
    ...keyMaterialOptions(s.keyStore),
    ...(s.trustedCertificates ? { ca: [...s.trustedCertificates] } : {}),
    rejectUnauthorized: true,
    minVersion: s.parameters.minVersion,
    maxVersion: s.parameters.maxVersion,
    ...(s.parameters.ciphers ? { ciphers: s.parameters.ciphers } : {}),
    ...(s.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** undefined when brokers talk PLAINTEXT to each other. */
export function interBrokerClientSecurity(config: BrokerConfig): ClientSecurity | undefined {
  const listener = config.advertisedListeners.find((l) => l.name === config.interBrokerListenerName)
    ?? config.listeners.find((l) => l.name === config.interBrokerListenerName);
  if (!listener || listener.securityProtocol === 'PLAINTEXT') return undefined;
  const tlsSettings = config.listenerTls[listener.name];
  const sasl = usesSasl(listener.securityProtocol) ? config.sasl.interBroker ?? undefined : undefined;
  return {
    protocol: listener.securityProtocol,
    ...(usesTls(listener.securityProtocol) && tlsSettings ? { tls: clientOptionsOf(tlsSettings) } : {}),
    ...(sasl ? { sasl } : {}),
  };
}
