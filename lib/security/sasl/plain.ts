/**
 * SASL PLAIN (RFC 4616): one message `[authzid] NUL authcid NUL passwd`. The broker checks it
 * against the `user_<name>="<password>"` options of the listener's PlainLoginModule JAAS entry,
 * as Kafka's PlainServerCallbackHandler does. Only over TLS does PLAIN keep the password secret.
 */
import * as crypto from 'crypto';
import { loggedName, SaslAuthenticationError } from './sasl-errors';
import { SaslClientMechanism, SaslServerMechanism } from './sasl-mechanism';

export interface PlainMessage {
  readonly authzid: string;
  readonly username: string;
  readonly password: string;
}

/** undefined unless there are exactly three NUL-separated fields with a non-empty user and password. */
export function parsePlainMessage(token: Buffer): PlainMessage | undefined {
  const fields = token.toString('utf8').split('\u0000');
  if (fields.length !== 3) return undefined;
  const [authzid, username, password] = fields;
  if (username.length === 0 || password.length === 0) return undefined;
  return { authzid, username, password };
}

export function formatPlainMessage(username: string, password: string): Buffer {
  return Buffer.from(`\u0000${username}\u0000${password}`, 'utf8');
}

/** Equal-time comparison of two secrets of any length (both are hashed first). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a, 'utf8').digest();
  const hb = crypto.createHash('sha256').update(b, 'utf8').digest();
  return crypto.timingSafeEqual(ha, hb);
}

export class PlainServer implements SaslServerMechanism {
  readonly mechanism = 'PLAIN' as const;
  authenticatedUser: string | undefined;

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluate(token: Buffer): Buffer {
    if (this.authenticatedUser !== undefined) throw new SaslAuthenticationError('PLAIN', 'a token after the exchange completed');
    const message = parsePlainMessage(token);
    if (!message) throw new SaslAuthenticationError('PLAIN', 'malformed PLAIN message');
    const expected = this.users.get(message.username);
    // Compare even for an unknown user, so the time taken does not tell whether the user exists.
    const ok = secretsEqual(expected ?? '\u0000no such user', message.password) && expected !== undefined;
    if (!ok) throw new SaslAuthenticationError('PLAIN', expected === undefined ? `unknown user ${loggedName(message.username)}` : `wrong password for user ${loggedName(message.username)}`);
    if (message.authzid !== '' && message.authzid !== message.username) {
      throw new SaslAuthenticationError('PLAIN', `user ${loggedName(message.username)} asked to act as ${loggedName(message.authzid)}`);
    }
    this.authenticatedUser = message.username;
    return Buffer.alloc(0);
  }
}

export class PlainClient implements SaslClientMechanism {
  constructor(private readonly username: string, private readonly password: string) {}

  initial(): Buffer {
    return formatPlainMessage(this.username, this.password);
  }

  respond(): null {
    return null;
  }
}
