/**
 * Where the web console's clients connect and as whom. The console is a client of its own
 * broker: without an authorizer it uses the inter-broker listener with the broker's own
 * credentials (everything is visible anyway); with one it must act as the person at the browser,
 * so it signs in to a SASL listener speaking the native protocol with the HTTP Basic credentials
 * it was given, and the broker's ACLs decide what that user sees.
 */
import { BrokerConfig } from '../config/broker-config';
import { Listener } from '../config/endpoints';
import { ClientSecurity, SaslMechanismName } from '../security/client-security';
import { interBrokerClientSecurity } from '../security/inter-broker-security';
import { usesTls } from '../security/security-protocol';

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface ConsoleTarget {
  /** True when requests must carry HTTP Basic credentials (the broker has an authorizer). */
  readonly authRequired: boolean;
  /** Why the console cannot serve with this configuration; null when it can. */
  readonly unavailable: string | null;
  /** host:port of the listener to use; null before it is bound. */
  bootstrap(): string | null;
  /** The client security for a user (authRequired) or for the broker itself. */
  security(user: BasicCredentials | null): ClientSecurity | undefined;
}

/** Strongest first: SCRAM never sends the password itself. */
const MECHANISM_PREFERENCE: readonly SaslMechanismName[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'];

export function consoleTarget(config: BrokerConfig, boundPort: (listenerName: string) => number): ConsoleTarget {
  const address = (listener: Listener) => () => {
    const port = boundPort(listener.name);
    if (port <= 0) return null;
    // A wildcard bind is reached on loopback; the console talks to its own process.
    const host = listener.host === '' || listener.host === '0.0.0.0' ? '127.0.0.1' : listener.host === '::' ? '::1' : listener.host;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  };
  if (config.authorizer === null) {
    const listener = config.listeners.find((l) => l.name === config.interBrokerListenerName) ?? config.listeners[0];
    const security = interBrokerClientSecurity(config);
    return { authRequired: false, unavailable: null, bootstrap: address(listener), security: () => security };
  }
  for (const listener of config.listeners) {
    if (listener.wireProtocol !== 'samsa') continue;
    const mechanisms = config.sasl.listeners.get(listener.name)?.mechanisms ?? [];
    const mechanism = MECHANISM_PREFERENCE.find((m) => mechanisms.includes(m));
    if (mechanism === undefined) continue;
    const protocol = listener.securityProtocol;
    return {
      authRequired: true, unavailable: null, bootstrap: address(listener),
      security: (user) => ({
        protocol,
        // The peer is this very process (its own listener), so its certificate needs no check here.
        ...(usesTls(protocol) ? { tls: { rejectUnauthorized: false } } : {}),
        ...(user ? { sasl: { mechanism, username: user.username, password: user.password } } : {}),
      }),
    };
  }
  return {
    authRequired: true, bootstrap: () => null, security: () => undefined,
    unavailable: 'The console needs a SASL listener (SASL_PLAINTEXT or SASL_SSL) on the native protocol when authorizer.class.name is set, so that it can act as the signed-in user',
  };
}
