/**
 * The one failure every SASL mechanism reports. Its message is the same for a wrong password, an
 * unknown user and a garbled token (Kafka's wording), so a client learns nothing about which
 * users exist; the precise reason goes to the broker's log only.
 */
import { ErrorCode, SamsaError } from '../../protocol/errors';

export class SaslAuthenticationError extends SamsaError {
  constructor(mechanism: string, readonly reason: string) {
    super(ErrorCode.SASL_AUTHENTICATION_FAILED, genericFailureMessage(mechanism));
    this.name = 'SaslAuthenticationError';
  }
}

/** A client-chosen name as it goes into a log line: quoted (no forged lines) and bounded. */
export function loggedName(name: string): string {
  return JSON.stringify(name.length > 128 ? `${name.slice(0, 128)}...` : name);
}

/** Kafka 2.8's message for every credential failure. */
export function genericFailureMessage(mechanism: string): string {
  return `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
}

const AUTHENTICATION_CODES: ReadonlySet<number> = new Set([
  ErrorCode.SASL_AUTHENTICATION_FAILED.code, ErrorCode.UNSUPPORTED_SASL_MECHANISM.code, ErrorCode.ILLEGAL_SASL_STATE.code,
]);

/** A refused login: retrying with the same credentials cannot help, so clients stop and report it. */
export function isAuthenticationError(err: unknown): err is SamsaError {
  return err instanceof SamsaError && AUTHENTICATION_CODES.has(err.code);
}
