import { expect } from 'chai';
import { ConfigError } from '../../../lib/config/config-error';
import { parseJaasConfig } from '../../../lib/security/sasl/jaas-config';

describe('security/sasl/jaas-config', () => {
  it("parses Kafka's PlainLoginModule broker entry", () => {
    const jaas = parseJaasConfig('k', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";');
    expect(jaas.loginModule).to.equal('org.apache.kafka.common.security.plain.PlainLoginModule');
    expect(jaas.flag).to.equal('required');
    expect([...jaas.options]).to.deep.equal([['username', 'admin'], ['password', 'admin-secret'], ['user_admin', 'admin-secret'], ['user_alice', 'alice-secret']]);
  });

  it('reads escapes in quoted values, bare values, other flags and free whitespace', () => {
    const jaas = parseJaasConfig('k', '  m.Module\n optional  a = "x\\"y\\\\z;w"  b=bare ;  ');
    expect(jaas.flag).to.equal('optional');
    expect(jaas.options.get('a')).to.equal('x"y\\z;w');
    expect(jaas.options.get('b')).to.equal('bare');
    expect(parseJaasConfig('k', 'M sufficient;').options.size).to.equal(0);
  });

  it('names the key and hides the value when an entry is malformed', () => {
    for (const bad of [
      'M required username="a"',
      'M needed username="a";',
      'required;',
      'M required username;',
      'M required username="a;',
      'M required a="1"; N required b="2";',
      '',
    ]) {
      let error: unknown;
      try {
        parseJaasConfig('listener.name.x.plain.sasl.jaas.config', bad);
      } catch (err) {
        error = err;
      }
      expect(error, bad).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).key).to.equal('listener.name.x.plain.sasl.jaas.config');
      expect((error as Error).message).to.contain('listener.name.x.plain.sasl.jaas.config').and.not.contain('username="a"');
    }
  });
});
