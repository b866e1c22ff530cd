import { expect } from 'chai';
import * as crypto from 'crypto';
import { ErrorCode, SamsaError } from '../../../lib/protocol/errors';
import { createCredential, ScramCredential, ScramMechanism } from '../../../lib/security/scram/scram-credential';
import { ScramClient } from '../../../lib/security/sasl/scram-client';
import { ScramServer } from '../../../lib/security/sasl/scram-server';
import { SaslAuthenticationError } from '../../../lib/security/sasl/sasl-errors';
import {
  authMessage, escapeUsername, parseClientFinal, parseClientFirst, unescapeUsername, xor,
} from '../../../lib/security/sasl/scram-messages';

function source(users: Record<string, ScramCredential>, mechanism: ScramMechanism = 'SCRAM-SHA-256') {
  return { credential: (m: ScramMechanism, u: string) => (m === mechanism ? users[u] : undefined) };
}

// RFC 7677 section 3: user "user", password "pencil".
const RFC7677 = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('security/sasl/scram', () => {
  const pencil = createCredential('SCRAM-SHA-256', 'pencil', 4096, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));

  it("the client produces RFC 7677's SCRAM-SHA-256 exchange byte for byte and accepts its server signature", () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(client.initial().toString()).to.equal(RFC7677.clientFirst);
    expect(client.respond(Buffer.from(RFC7677.serverFirst))!.toString()).to.equal(RFC7677.clientFinal);
    expect(client.respond(Buffer.from(RFC7677.serverFinal))).to.equal(null);
  });

  it("the server answers RFC 7677's client messages with its server-first and server-final", () => {
    const server = new ScramServer('SCRAM-SHA-256', source({ user: pencil }), () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    expect(server.evaluate(Buffer.from(RFC7677.clientFirst)).toString()).to.equal(RFC7677.serverFirst);
    expect(server.authenticatedUser).to.equal(undefined);
    expect(server.evaluate(Buffer.from(RFC7677.clientFinal)).toString()).to.equal(RFC7677.serverFinal);
    expect(server.authenticatedUser).to.equal('user');
  });

  it("matches RFC 5802's SCRAM-SHA-1 example with the same message helpers", () => {
    const salted = crypto.pbkdf2Sync('pencil', Buffer.from('QSXCR+Q6sek8bf92', 'base64'), 4096, 20, 'sha1');
    const clientKey = crypto.createHmac('sha1', salted).update('Client Key').digest();
    const storedKey = crypto.createHash('sha1').update(clientKey).digest();
    const serverKey = crypto.createHmac('sha1', salted).update('Server Key').digest();
    const first = parseClientFirst('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL')!;
    const final = parseClientFinal('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=')!;
    const message = authMessage(first.bare, 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096', final.withoutProof);
    const signature = crypto.createHmac('sha1', storedKey).update(message).digest();
    expect(xor(clientKey, signature).toString('base64')).to.equal('v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(crypto.createHash('sha1').update(xor(final.proof, signature)).digest().equals(storedKey)).to.equal(true);
    expect(crypto.createHmac('sha1', serverKey).update(message).digest().toString('base64')).to.equal('rmF9pqV8S7suAoZWja4dJRkFsKQ=');
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`a ${mechanism} client and server agree, and a wrong password fails with the generic message`, () => {
      const users = { alice: createCredential(mechanism, 'alice-secret') };
      const run = (password: string) => {
        const server = new ScramServer(mechanism, source(users, mechanism));
        const client = new ScramClient(mechanism, 'alice', password);
        const final = client.respond(server.evaluate(client.initial()))!;
        const answer = server.evaluate(final);
        expect(client.respond(answer)).to.equal(null);
        return server.authenticatedUser;
      };
      expect(run('alice-secret')).to.equal('alice');
      expect(() => run('wrong')).to.throw(SaslAuthenticationError, `invalid credentials with SASL mechanism ${mechanism}`);
    });
  }

  it('an unknown user gets a salt and fails at the proof, with the same message as a wrong password', () => {
    const server = new ScramServer('SCRAM-SHA-256', source({}));
    const client = new ScramClient('SCRAM-SHA-256', 'nobody', 'x');
    const serverFirst = server.evaluate(client.initial());
    expect(serverFirst.toString()).to.match(/^r=.+,s=.+,i=4096$/);
    const again = new ScramServer('SCRAM-SHA-256', source({})).evaluate(new ScramClient('SCRAM-SHA-256', 'nobody', 'x').initial());
    expect(serverFirst.toString().split(',')[1]).to.equal(again.toString().split(',')[1]);
    let error: unknown;
    try {
      server.evaluate(client.respond(serverFirst)!);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(SaslAuthenticationError);
    expect((error as SamsaError).code).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED.code);
    expect((error as Error).message).to.not.contain('nobody');
    expect((error as SaslAuthenticationError).reason).to.contain('unknown user');
  });

  it('escapes , and = in user names as =2C and =3D and refuses other = sequences', () => {
    expect(escapeUsername('a,b=c')).to.equal('a=2Cb=3Dc');
    expect(unescapeUsername('a=2Cb=3Dc')).to.equal('a,b=c');
    expect(unescapeUsername('a=2Db')).to.equal(undefined);
    const users = { 'a,b=c': createCredential('SCRAM-SHA-256', 'pw') };
    const server = new ScramServer('SCRAM-SHA-256', source(users));
    const client = new ScramClient('SCRAM-SHA-256', 'a,b=c', 'pw');
    expect(client.initial().toString()).to.contain('n=a=2Cb=3Dc,');
    server.evaluate(client.respond(server.evaluate(client.initial()))!);
    expect(server.authenticatedUser).to.equal('a,b=c');
  });

  it('refuses malformed messages, a changed nonce and a token after completion', () => {
    expect(() => new ScramServer('SCRAM-SHA-256', source({})).evaluate(Buffer.from('garbage'))).to.throw(SaslAuthenticationError);
    const server = new ScramServer('SCRAM-SHA-256', source({ user: pencil }), () => 'SERVER');
    server.evaluate(Buffer.from('n,,n=user,r=abc'));
    expect(() => server.evaluate(Buffer.from('c=biws,r=abcOTHER,p=AAAA'))).to.throw(SaslAuthenticationError);
    expect(() => server.evaluate(Buffer.from('x'))).to.throw(SaslAuthenticationError);
  });

  it('the client refuses a server whose final signature is wrong', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    client.respond(Buffer.from(RFC7677.serverFirst));
    expect(() => client.respond(Buffer.from('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')))
      .to.throw(SamsaError, 'does not hold this user');
  });

  it("the client refuses a server nonce that does not extend its own", () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'mine');
    expect(() => client.respond(Buffer.from('r=other,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))).to.throw(SamsaError, 'nonce');
  });
});
