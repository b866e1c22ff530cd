/**
 * The client's side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677). It checks the broker's final
 * signature, so a server that does not hold the user's ServerKey cannot pass itself off as the
 * broker even after the client has proved itself.
 */
import * as crypto from 'crypto';
import { ErrorCode, SamsaError } from '../../protocol/errors';
import { clientKey, hash, hmac, saltedPassword, ScramMechanism, serverKey } from '../scram/scram-credential';
import { SaslClientMechanism } from './sasl-mechanism';
import {
  authMessage, formatClientFinalWithoutProof, formatClientFirstBare, parseServerFinal, parseServerFirst, xor,
} from './scram-messages';

const GS2_HEADER = 'n,,';
/** Kafka's ScramMechanism allows at most this many; a broker asking for more is refused (it would stall the client). */
const MAX_SERVER_ITERATIONS = 16384;

function failed(detail: string): SamsaError {
  return new SamsaError(ErrorCode.SASL_AUTHENTICATION_FAILED, detail);
}

export class ScramClient implements SaslClientMechanism {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | null = null;
  private step: 'first' | 'final' | 'done' = 'first';

  constructor(private readonly mechanism: ScramMechanism, username: string, private readonly password: string,
    private readonly clientNonce: string = crypto.randomBytes(24).toString('base64url')) {
    this.clientFirstBare = formatClientFirstBare(username, clientNonce);
  }

  initial(): Buffer {
    return Buffer.from(GS2_HEADER + this.clientFirstBare, 'utf8');
  }

  respond(challenge: Buffer): Buffer | null {
    if (this.step === 'first') {
      const serverFirstText = challenge.toString('utf8');
      const serverFirst = parseServerFirst(serverFirstText);
      if (!serverFirst) throw failed(`malformed ${this.mechanism} server-first message`);
      if (!serverFirst.nonce.startsWith(this.clientNonce) || serverFirst.nonce.length === this.clientNonce.length) {
        throw failed(`the broker's ${this.mechanism} nonce does not extend the client's`);
      }
      if (serverFirst.iterations > MAX_SERVER_ITERATIONS) throw failed(`the broker asked for ${serverFirst.iterations} ${this.mechanism} iterations (at most ${MAX_SERVER_ITERATIONS})`);
      const salted = saltedPassword(this.mechanism, this.password, serverFirst.salt, serverFirst.iterations);
      const withoutProof = formatClientFinalWithoutProof(GS2_HEADER, serverFirst.nonce);
      const message = authMessage(this.clientFirstBare, serverFirstText, withoutProof);
      const key = clientKey(this.mechanism, salted);
      const proof = xor(key, hmac(this.mechanism, hash(this.mechanism, key), message));
      this.expectedServerSignature = hmac(this.mechanism, serverKey(this.mechanism, salted), message);
      this.step = 'final';
      return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
    }
    if (this.step === 'final') {
      const final = parseServerFinal(challenge.toString('utf8'));
      if (!final) throw failed(`malformed ${this.mechanism} server-final message`);
      if (final.error !== undefined) throw failed(`the broker refused the ${this.mechanism} exchange: ${final.error}`);
      const expected = this.expectedServerSignature!;
      if (final.signature!.length !== expected.length || !crypto.timingSafeEqual(final.signature!, expected)) {
        throw failed(`the broker's ${this.mechanism} signature is wrong: it does not hold this user's credentials`);
      }
      this.step = 'done';
      return null;
    }
    throw failed(`${this.mechanism} challenge after the exchange completed`);
  }
}
