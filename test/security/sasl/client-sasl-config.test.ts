import { expect } from 'chai';
import { ConfigError } from '../../../lib/config/config-error';
import { parseProducerConfig } from '../../../lib/config/client-config';
import { saslCredentialsFromProperties } from '../../../lib/security/sasl/client-sasl-config';
import { clientSecurityFromProperties } from '../../../lib/security/client-security-config';

const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";';
const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="carol" password="carol-secret";';

function refusal(values: Record<string, string>): ConfigError {
  try {
    saslCredentialsFromProperties(values);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('accepted');
}

describe('security/sasl/client-sasl-config', () => {
  it("reads Kafka's client keys for SCRAM and PLAIN", () => {
    expect(saslCredentialsFromProperties({ 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': SCRAM }))
      .to.deep.equal({ mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' });
    expect(saslCredentialsFromProperties({ 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': PLAIN }))
      .to.deep.equal({ mechanism: 'PLAIN', username: 'carol', password: 'carol-secret' });
  });

  it('refuses a missing or unsupported mechanism, a missing or mismatched JAAS entry, naming the key and hiding the password', () => {
    expect(refusal({ 'sasl.jaas.config': SCRAM }).key).to.equal('sasl.mechanism');
    for (const m of ['GSSAPI', 'OAUTHBEARER']) expect(refusal({ 'sasl.mechanism': m, 'sasl.jaas.config': SCRAM }).message).to.contain(`${m} is not supported`);
    expect(refusal({ 'sasl.mechanism': 'PLAIN' }).key).to.equal('sasl.jaas.config');
    const mismatch = refusal({ 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': SCRAM });
    expect(mismatch.message).to.contain('PlainLoginModule').and.not.contain('alice-secret');
    expect(refusal({ 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="x";' }).key).to.equal('sasl.jaas.config');
  });

  it('gives no security for PLAINTEXT and SASL credentials for SASL_PLAINTEXT, from a producer config too', () => {
    expect(clientSecurityFromProperties({})).to.equal(undefined);
    expect(clientSecurityFromProperties({ 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': PLAIN }))
      .to.deep.equal({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'carol', password: 'carol-secret' } });
    const { config } = parseProducerConfig({ 'bootstrap.servers': 'h:1', 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': SCRAM });
    expect(config.security?.sasl?.username).to.equal('alice');
  });
});
