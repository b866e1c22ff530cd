/**
 * The broker's side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677), as Kafka's ScramSaslServer runs
 * it: client-first → server-first (salt, iterations, combined nonce) → client-final (proof) →
 * server-final (the server's signature). The broker holds StoredKey and ServerKey only.
 *
 * An unknown user gets a made-up salt (stable per name, so repeated probes look alike) and the
 * exchange runs to the proof check, which fails: the client cannot tell "no such user" from
 * "wrong password", by message or by the step at which it fails.
 */
import * as crypto from 'crypto';
import {
  hash, hmac, ScramCredential, ScramCredentialSource, ScramMechanism, SCRAM_MIN_ITERATIONS,
} from '../scram/scram-credential';
import { loggedName, SaslAuthenticationError } from './sasl-errors';
import { SaslServerMechanism } from './sasl-mechanism';
import {
  authMessage, ClientFirst, formatServerFirst, parseClientFinal, parseClientFirst, xor,
} from './scram-messages';

/** Per-process key for the salts of users that do not exist. */
const FAKE_SALT_KEY = crypto.randomBytes(32);

function fakeCredential(mechanism: ScramMechanism, username: string): ScramCredential {
  const salt = crypto.createHmac('sha256', FAKE_SALT_KEY).update(`${mechanism}:${username}`).digest();
  const length = hash(mechanism, Buffer.alloc(0)).length;
  return { salt, storedKey: crypto.randomBytes(length), serverKey: crypto.randomBytes(length), iterations: SCRAM_MIN_ITERATIONS };
}

type State =
  | { step: 'first' }
  | { step: 'final'; first: ClientFirst; serverFirst: string; nonce: string; credential: ScramCredential; known: boolean }
  | { step: 'done' };

export class ScramServer implements SaslServerMechanism {
  authenticatedUser: string | undefined;
  private state: State = { step: 'first' };

  constructor(readonly mechanism: ScramMechanism, private readonly credentials: ScramCredentialSource,
    private readonly serverNonce: () => string = () => crypto.randomBytes(24).toString('base64url')) {}

  evaluate(token: Buffer): Buffer {
    const fail = (reason: string): never => {
      this.state = { step: 'done' };
      throw new SaslAuthenticationError(this.mechanism, reason);
    };
    switch (this.state.step) {
      case 'first': {
        const first = parseClientFirst(token.toString('utf8'));
        if (!first) return fail('malformed SCRAM client-first message');
        if (first.extensions.get('tokenauth') === 'true') return fail('delegation tokens are not supported');
        if (first.authzid !== '' && first.authzid !== first.username) return fail(`user ${loggedName(first.username)} asked to act as ${loggedName(first.authzid)}`);
        const stored = this.credentials.credential(this.mechanism, first.username);
        const credential = stored ?? fakeCredential(this.mechanism, first.username);
        const nonce = first.nonce + this.serverNonce();
        const serverFirst = formatServerFirst({ nonce, salt: credential.salt, iterations: credential.iterations });
        this.state = { step: 'final', first, serverFirst, nonce, credential, known: stored !== undefined };
        return Buffer.from(serverFirst, 'utf8');
      }
      case 'final': {
        const { first, serverFirst, nonce, credential, known } = this.state;
        const final = parseClientFinal(token.toString('utf8'));
        if (!final) return fail('malformed SCRAM client-final message');
        // Kafka's ScramSaslServer checks endsWith, not equality; librdkafka before 2.2 sends the client nonce twice.
        if (!final.nonce.endsWith(nonce)) return fail('the client-final nonce does not match');
        if (final.channelBinding !== Buffer.from(first.gs2Header, 'utf8').toString('base64')) return fail('the channel binding does not match the GS2 header');
        const message = authMessage(first.bare, serverFirst, final.withoutProof);
        const clientSignature = hmac(this.mechanism, credential.storedKey, message);
        if (final.proof.length !== clientSignature.length) return fail('the client proof has the wrong length');
        const computedStoredKey = hash(this.mechanism, xor(final.proof, clientSignature));
        if (!crypto.timingSafeEqual(computedStoredKey, credential.storedKey) || !known) {
          return fail(known ? `wrong password for user ${loggedName(first.username)}` : `unknown user ${loggedName(first.username)}`);
        }
        this.state = { step: 'done' };
        this.authenticatedUser = first.username;
        return Buffer.from(`v=${hmac(this.mechanism, credential.serverKey, message).toString('base64')}`, 'utf8');
      }
      case 'done':
        return fail('a token after the exchange completed');
    }
  }
}
