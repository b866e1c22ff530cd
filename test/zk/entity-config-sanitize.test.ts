import { expect } from 'chai';
import { desanitize, entityConfigPath, sanitize } from '../../lib/zk/entity-config';

/** Expected values follow Java's URLEncoder rules plus Kafka's Sanitizer replacements ('*' -> %2A, '+' -> %20). */
describe('zk/entity-config sanitize', () => {
  it('keeps letters, digits and ._- and percent-encodes everything else as Kafka does', () => {
    const principal = "CN=Some characters !@#$%&*()_-+=';:,/~";
    const sanitized = sanitize(principal);
    expect(sanitized).to.equal('CN%3DSome%20characters%20%21%40%23%24%25%26%2A%28%29_-%2B%3D%27%3B%3A%2C%2F%7E');
    expect(desanitize(sanitized)).to.equal(principal);
  });

  it('encodes non-ASCII names as UTF-8 bytes and decodes them back', () => {
    expect(sanitize('zoë')).to.equal('zo%C3%AB');
    expect(desanitize('zo%C3%AB')).to.equal('zoë');
    expect(desanitize('a+b')).to.equal('a b');
  });

  it('sanitizes user and client names in paths, not topic names, and keeps <default>', () => {
    expect(entityConfigPath('users', 'alice smith')).to.equal('/config/users/alice%20smith');
    expect(entityConfigPath('users', '<default>')).to.equal('/config/users/<default>');
    expect(entityConfigPath('topics', 'a.b')).to.equal('/config/topics/a.b');
  });
});
