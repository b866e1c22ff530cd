/**
 * The client's SASL keys, as Kafka clients take them: `sasl.mechanism` (PLAIN, SCRAM-SHA-256 or
 * SCRAM-SHA-512; Kafka's GSSAPI default and OAUTHBEARER are refused by name) and
 * `sasl.jaas.config` (`org.apache.kafka.common.security.scram.ScramLoginModule required
 * username="alice" password="alice-secret";`, or the PlainLoginModule form). Used wherever
 * client properties become ClientSecurity (library configs, every CLI's --command-config).
 */
import { ConfigError } from '../../config/config-error';
import { ClientSaslCredentials, SaslMechanismName } from '../client-security';
import { parseJaasConfig, PLAIN_LOGIN_MODULE, SCRAM_LOGIN_MODULE } from './jaas-config';
import { isSaslMechanism, SASL_MECHANISMS } from './sasl-mechanism';

export interface SaslClientValues {
  readonly 'sasl.mechanism'?: string | null;
  readonly 'sasl.jaas.config'?: string | null;
}

/** The credentials for a SASL_PLAINTEXT/SASL_SSL client; ConfigError naming the key when one is missing or wrong. */
export function saslCredentialsFromProperties(values: SaslClientValues): ClientSaslCredentials {
  const mechanism = (values['sasl.mechanism'] ?? '').trim();
  if (mechanism === '') {
    throw new ConfigError(`Configuration sasl.mechanism must be set for a SASL client (Kafka's GSSAPI default is not supported; use one of ${SASL_MECHANISMS.join(', ')})`, { key: 'sasl.mechanism' });
  }
  if (!isSaslMechanism(mechanism)) {
    throw ConfigError.invalidValue('sasl.mechanism', mechanism, `SASL mechanism ${mechanism} is not supported by Samsa (supported: ${SASL_MECHANISMS.join(', ')})`);
  }
  const text = values['sasl.jaas.config'];
  if (text === undefined || text === null || text.trim() === '') {
    throw new ConfigError(`Configuration sasl.jaas.config must be set for SASL mechanism ${mechanism}: ${loginModuleFor(mechanism)} required username="..." password="...";`, { key: 'sasl.jaas.config' });
  }
  const jaas = parseJaasConfig('sasl.jaas.config', text);
  if (jaas.loginModule !== loginModuleFor(mechanism)) {
    throw new ConfigError(`Configuration sasl.jaas.config names ${jaas.loginModule}, but sasl.mechanism ${mechanism} needs ${loginModuleFor(mechanism)}`, { key: 'sasl.jaas.config' });
  }
  const username = jaas.options.get('username');
  const password = jaas.options.get('password');
  if (!username || password === undefined) {
    throw new ConfigError('Configuration sasl.jaas.config must give username="..." and password="..."', { key: 'sasl.jaas.config' });
  }
  return { mechanism, username, password };
}

function loginModuleFor(mechanism: SaslMechanismName): string {
  return mechanism === 'PLAIN' ? PLAIN_LOGIN_MODULE : SCRAM_LOGIN_MODULE;
}
