/**
 * The one place a client's Kafka security keys become its ClientSecurity: `security.protocol`
 * picks TLS and/or SASL, the ssl.* keys give the TLS options (lib/security/tls/client-tls-config.ts)
 * and the sasl.* keys the SASL credentials. The library's fromProperties, every CLI's
 * --command-config / --producer.config / --consumer.config and the perf tools all come here.
 */
import { parseConfig, RawConfig } from '../config/config-def';
import { clientSecurityKeys } from '../config/security-config-defs';
import { ClientSecurity } from './client-security';
import { usesSasl, usesTls } from './security-protocol';
import { saslCredentialsFromProperties } from './sasl/client-sasl-config';
import { clientTlsOptions } from './tls/client-tls-config';

/**
 * Reads security.protocol, the ssl.* and the sasl.* keys from `props` (other keys are ignored); undefined for
 * PLAINTEXT. Throws ConfigError naming the key for a bad value or an unreadable store.
 */
export function clientSecurityFromProperties(props: RawConfig): ClientSecurity | undefined {
  const { values: v } = parseConfig(clientSecurityKeys, props);
  const protocol = v['security.protocol'];
  if (protocol === 'PLAINTEXT') return undefined;
  return {
    protocol,
    ...(usesTls(protocol) ? { tls: clientTlsOptions(v) } : {}),
    ...(usesSasl(protocol) ? { sasl: saslCredentialsFromProperties(v) } : {}),
  };
}
