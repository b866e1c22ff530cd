/**
 * Security extensions Samsa does not implement, refused at startup.
 *
 * A `server.properties` copied from a secured Kafka cluster may name a custom principal builder or
 * SASL callback handler. Starting anyway, with only an "unknown key" warning, would leave an open
 * broker where the operator believes there is a locked one; refusing names the key instead.
 * TLS (`ssl.*`), SASL (`sasl.*`) and the ACL authorizer are implemented (lib/security/).
 */
import { ConfigError } from './config-error';
import { RawConfig, rawEntries } from './config-def';

/** Keys whose presence (with a non-empty value) asks for protection Samsa cannot give. */
// One list per concern, so each part of the security work removes exactly its own keys.
const TRANSPORT_KEYS = ['principal.builder.class'];
// SASL is implemented (lib/security/sasl/); a custom callback handler or login class would change
// who is accepted in ways Samsa cannot honour, so those stay refused, listener-prefixed or not.
const SASL_KEYS = ['sasl.server.callback.handler.class', 'sasl.login.class', 'sasl.login.callback.handler.class'];
const EXACT_KEYS = new Set([...TRANSPORT_KEYS, ...SASL_KEYS]);

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
      `Configuration ${key} is set, but Samsa does not implement it (custom principal builders, SASL callback handlers and login classes); ` +
      'refusing to start a broker that would not check clients the way the key asks. Remove the key to run without it.',
      { key, value },
    );
  }
}
