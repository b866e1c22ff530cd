import { expect } from 'chai';
import { build } from '../config/broker-config-helpers';
import { interBrokerClientSecurity } from '../../lib/security/inter-broker-security';
import { brokerTlsOverrides, testCerts } from '../helpers/certs';

describe('security/inter-broker-security', () => {
  const certs = testCerts();

  it('is undefined when brokers talk PLAINTEXT', () => {
    expect(interBrokerClientSecurity(build({ listeners: 'PLAINTEXT://:9092,SSL://:9093', ...brokerTlsOverrides(certs) }).config)).to.equal(undefined);
  });

  it("uses the SSL listener's trust store, its key store as client certificate, and its host name rule", () => {
    const { config } = build({ listeners: 'PLAINTEXT://:9092,SSL://:9093', ...brokerTlsOverrides(certs), 'security.inter.broker.protocol': 'SSL' });
    const security = interBrokerClientSecurity(config);
    expect(security?.protocol).to.equal('SSL');
    expect(security?.tls?.ca).to.have.length(1);
    expect(security?.tls?.key).to.contain('PRIVATE KEY');
    expect(security?.tls?.checkServerIdentity).to.equal(undefined);
    const lenient = build({
      listeners: 'PLAINTEXT://:9092,INTERNAL://:9093', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:SSL',
      'inter.broker.listener.name': 'INTERNAL', ...brokerTlsOverrides(certs), 'listener.name.internal.ssl.endpoint.identification.algorithm': '',
    });
    expect(interBrokerClientSecurity(lenient.config)?.tls?.checkServerIdentity).to.be.a('function');
  });

  it('gives the broker\'s own SASL login for SASL_PLAINTEXT, and TLS with it for SASL_SSL', () => {
    const login = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-secret";';
    const { config } = build({ listeners: 'PLAINTEXT://:9092,SASL_PLAINTEXT://:9093', 'security.inter.broker.protocol': 'SASL_PLAINTEXT',
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': login });
    expect(interBrokerClientSecurity(config)).to.deep.equal({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'admin', password: 'admin-secret' } });
    const both = build({ listeners: 'PLAINTEXT://:9092,SASL_SSL://:9093', 'security.inter.broker.protocol': 'SASL_SSL',
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': login, ...brokerTlsOverrides(certs) });
    const security = interBrokerClientSecurity(both.config);
    expect(security?.sasl?.username).to.equal('admin');
    expect(security?.tls?.ca).to.have.length(1);
  });
});
