import { expect } from 'chai';
import { formatPlainMessage, parsePlainMessage, PlainServer } from '../../../lib/security/sasl/plain';
import { SaslAuthenticationError } from '../../../lib/security/sasl/sasl-errors';

describe('security/sasl/plain', () => {
  const users = new Map([['alice', 'alice-secret']]);

  it('parses RFC 4616 messages with and without an authorization id', () => {
    expect(parsePlainMessage(Buffer.from('\u0000alice\u0000pw'))).to.deep.equal({ authzid: '', username: 'alice', password: 'pw' });
    expect(parsePlainMessage(Buffer.from('alice\u0000alice\u0000pw'))).to.deep.equal({ authzid: 'alice', username: 'alice', password: 'pw' });
    expect(parsePlainMessage(formatPlainMessage('bob', 'x'))).to.deep.equal({ authzid: '', username: 'bob', password: 'x' });
  });

  it('refuses messages with missing fields, an empty user or password, or extra NULs', () => {
    for (const text of ['alice', '\u0000alice', '\u0000\u0000pw', '\u0000alice\u0000', 'a\u0000b\u0000c\u0000d']) {
      expect(parsePlainMessage(Buffer.from(text)), JSON.stringify(text)).to.equal(undefined);
    }
  });

  it('accepts a JAAS user with the right password', () => {
    const server = new PlainServer(users);
    expect(server.evaluate(formatPlainMessage('alice', 'alice-secret')).length).to.equal(0);
    expect(server.authenticatedUser).to.equal('alice');
  });

  it('fails a wrong password, an unknown user and a foreign authorization id with the same message', () => {
    const messages = [
      formatPlainMessage('alice', 'nope'),
      formatPlainMessage('mallory', 'alice-secret'),
      Buffer.from('bob\u0000alice\u0000alice-secret'),
    ].map((token) => {
      try {
        new PlainServer(users).evaluate(token);
      } catch (err) {
        expect(err).to.be.instanceOf(SaslAuthenticationError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    });
    expect(new Set(messages).size).to.equal(1);
    expect(messages[0]).to.contain('invalid credentials with SASL mechanism PLAIN').and.not.contain('mallory');
  });

  it('quotes and bounds the user name in the logged reason, so a client cannot forge log lines', () => {
    try {
      new PlainServer(users).evaluate(formatPlainMessage(`evil\nFAKE LINE${'x'.repeat(500)}`, 'pw'));
    } catch (err) {
      const reason = (err as SaslAuthenticationError).reason;
      expect(reason).to.not.contain('\n');
      expect(reason).to.contain('\\nFAKE LINE');
      expect(reason.length).to.be.lessThan(200);
      return;
    }
    throw new Error('accepted');
  });
});
