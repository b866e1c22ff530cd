/**
 * How a broker secures the connections it opens to other brokers (controller channel, replica
 * fetchers, controlled shutdown): the security protocol of `inter.broker.listener.name` and, for
 * SASL_PLAINTEXT/SASL_SSL, the broker's own credentials from that listener's JAAS entry for
 * `sasl.mechanism.inter.broker.protocol` (resolved in lib/security/sasl/broker-sasl-config.ts).
 * TLS settings for SSL/SASL_SSL are added by the TLS configuration.
 */
import { BrokerConfig } from '../config/broker-config';
import { ClientSecurity } from './client-security';
import { usesSasl } from './security-protocol';

export function interBrokerClientSecurity(config: BrokerConfig): ClientSecurity | undefined {
  const listener = config.listeners.find((l) => l.name === config.interBrokerListenerName);
  if (!listener || listener.securityProtocol === 'PLAINTEXT') return undefined;
  const sasl = usesSasl(listener.securityProtocol) ? config.sasl.interBroker ?? undefined : undefined;
  return { protocol: listener.securityProtocol, ...(sasl ? { sasl } : {}) };
}
