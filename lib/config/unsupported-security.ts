/**
 * Security settings Samsa does not implement yet, refused at startup.
 *
 * A `server.properties` copied from a secured Kafka cluster names an authorizer, TLS key stores
 * or SASL mechanisms. Starting anyway, with only an "unknown key" warning, would leave an open
 * broker where the operator believes there is a locked one; refusing names the key instead.
 * Entries leave this list as the security issue implements them.
 */
import { ConfigError } from './config-error';
import { RawConfig, rawEntries } from './config-def';

/** Keys whose presence (with a non-empty value) asks for protection Samsa cannot give. */
// One list per concern, so each part of the security work removes exactly its own keys.
const TRANSPORT_KEYS = ['security.inter.broker.protocol', 'principal.builder.class'];
const SASL_KEYS = ['connections.max.reauth.ms'];
const EXACT_KEYS = new Set([...TRANSPORT_KEYS, ...SASL_KEYS]);

const TLS_PREFIXES = ['ssl.'];
const SASL_PREFIXES = ['sasl.', 'listener.name.'];
const PREFIXES = [...TLS_PREFIXES, ...SASL_PREFIXES];

function asksForSecurity(key: string): boolean {
  return EXACT_KEYS.has(key) || PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * Throws a ConfigError naming the first security key set to a non-empty value. An empty value
 * (`authorizer.class.name=`) is Kafka's own way of saying "none" and is accepted.
 * `security.inter.broker.protocol=PLAINTEXT` asks for nothing Samsa lacks, so it passes too.
 */
export function refuseUnsupportedSecurity(raw: RawConfig): void {
  for (const [key, value] of rawEntries(raw)) {
    if (value === undefined || value === null || !asksForSecurity(key)) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text.trim() === '') continue;
    if (key === 'security.inter.broker.protocol' && text.trim().toUpperCase() === 'PLAINTEXT') continue;
    throw new ConfigError(
      `Configuration ${key} is set, but Samsa does not implement TLS, SASL or ACLs yet; ` +
      'refusing to start a broker that would accept every client. Remove the key to run without security.',
      { key, value },
    );
  }
}
