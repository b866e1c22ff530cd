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
const AUTHORIZATION_KEYS = ['authorizer.class.name', 'allow.everyone.if.no.acl.found', 'super.users'];
const TRANSPORT_KEYS = ['principal.builder.class'];
// SASL is implemented (lib/security/sasl/); a custom callback handler or login class would change
// who is accepted in ways Samsa cannot honour, so those stay refused, listener-prefixed or not.
const SASL_KEYS = ['sasl.server.callback.handler.class', 'sasl.login.class', 'sasl.login.callback.handler.class'];
const EXACT_KEYS = new Set([...AUTHORIZATION_KEYS, ...TRANSPORT_KEYS, ...SASL_KEYS]);

/** `listener.name.<l>.` keys other than the TLS and SASL ones are per-listener settings Samsa does not have. */
const LISTENER_PREFIX = 'listener.name.';
/** TLS is implemented (lib/security/tls/), including Kafka's per-listener `listener.name.<l>.ssl.*` overrides. */
const LISTENER_TLS_KEY = /^listener\.name\.[^.]+\.ssl\./;
const LISTENER_SASL_KEY = /^listener\.name\.[^.]+\.(?:[^.]+\.)?sasl\.(.+)$/;
const PREFIXES: readonly string[] = [];

function asksForSecurity(key: string): boolean {
  if (key.startsWith(LISTENER_PREFIX)) {
    if (LISTENER_TLS_KEY.test(key)) return false;
    const sasl = LISTENER_SASL_KEY.exec(key);
    return sasl === null || EXACT_KEYS.has(`sasl.${sasl[1]}`);
  }
  return EXACT_KEYS.has(key) || PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * Throws a ConfigError naming the first security key set to a non-empty value. An empty value
 * (`authorizer.class.name=`) is Kafka's own way of saying "none" and is accepted.
 */
export function refuseUnsupportedSecurity(raw: RawConfig): void {
  for (const [key, value] of rawEntries(raw)) {
    if (value === undefined || value === null || !asksForSecurity(key)) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text.trim() === '') continue;
    throw new ConfigError(
      `Configuration ${key} is set, but Samsa does not implement it (TLS, ACLs, custom SASL callback handlers or login classes); ` +
      'refusing to start a broker that would accept every client. Remove the key to run without security.',
      { key, value },
    );
  }
}
