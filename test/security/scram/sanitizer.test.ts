import { expect } from 'chai';
import { desanitize, sanitize } from '../../../lib/security/scram/sanitizer';

describe('security/scram/sanitizer', () => {
  it("encodes user names as Kafka's Sanitizer does", () => {
    expect(sanitize('alice')).to.equal('alice');
    expect(sanitize('alice@example.com')).to.equal('alice%40example.com');
    expect(sanitize('a*b')).to.equal('a%2Ab');
    expect(sanitize('a b')).to.equal('a%20b');
    expect(sanitize('a~b.c-d_e')).to.equal('a~b.c-d_e');
    expect(sanitize("x!'()/:é")).to.equal('x%21%27%28%29%2F%3A%C3%A9');
    expect(sanitize('CN=x,O=y')).to.equal('CN%3Dx%2CO%3Dy');
  });

  it('decodes back exactly, and refuses broken escapes', () => {
    for (const name of ['alice', 'a*b c~d', 'CN=x,O=y', 'ü/%+']) expect(desanitize(sanitize(name))).to.equal(name);
    expect(desanitize('a+b')).to.equal('a b');
    expect(desanitize('%E0%A4%A')).to.equal(undefined);
  });
});
