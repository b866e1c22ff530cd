/**
 * The shape of one SASL exchange, seen from either end. The broker runs a server mechanism per
 * connection (one token in, one challenge out, until complete); the client runs the matching
 * client mechanism. PLAIN is one round, SCRAM two.
 */
import { SaslMechanismName } from '../client-security';

export const SASL_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function isSaslMechanism(name: string): name is SaslMechanismName {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

export interface SaslServerMechanism {
  readonly mechanism: SaslMechanismName;
  /** Answers one client token; throws SaslAuthenticationError when the client fails. */
  evaluate(token: Buffer): Buffer;
  /** The authenticated user once the exchange is complete; undefined before. */
  readonly authenticatedUser: string | undefined;
}

export interface SaslClientMechanism {
  /** The first token the client sends. */
  initial(): Buffer;
  /** Answers one server challenge: the next token, or null when the exchange is complete. Throws when the server fails to prove itself. */
  respond(challenge: Buffer): Buffer | null;
}
