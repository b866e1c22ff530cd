import * as fs from 'fs';
import { expect } from 'chai';
import { ConfigError } from '../../../lib/config/config-error';
import { parseConsumerConfig } from '../../../lib/config/client-config';
import { clientSecurityFromProperties } from '../../../lib/security/client-security-config';
import { clientOptionsFromProperties } from '../../../lib/cli/options';
import { producerOptionsFromProperties } from '../../../lib/client/producer-options';
import { testCerts } from '../../helpers/certs';

describe('security/client-security-config', () => {
  const certs = testCerts();

  it('is undefined for PLAINTEXT and gives Node TLS options for SSL', () => {
    expect(clientSecurityFromProperties({})).to.equal(undefined);
    const security = clientSecurityFromProperties({ 'security.protocol': 'SSL', 'ssl.truststore.location': certs.ca });
    expect(security?.protocol).to.equal('SSL');
    expect(security?.tls).to.include({ rejectUnauthorized: true, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    expect(security?.tls?.ca).to.deep.equal([certs.caPem.trim()]);
    expect(security?.tls?.checkServerIdentity).to.equal(undefined);
  });

  it('takes a client certificate for mutual TLS, a PKCS12 trust store, and disables host name checks when asked', () => {
    const security = clientSecurityFromProperties({
      'security.protocol': 'SASL_SSL', 'ssl.keystore.location': certs.client.keystore,
      'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': certs.pkcs12Truststore, 'ssl.truststore.password': certs.password,
      'ssl.endpoint.identification.algorithm': '', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";',
    });
    expect(security?.sasl?.username).to.equal('alice');
    expect(security?.tls?.key).to.equal(fs.readFileSync(certs.client.key, 'utf8').trim());
    expect(security?.tls?.ca).to.have.length(1);
    expect(security?.tls?.checkServerIdentity).to.be.a('function');
  });

  it('names the key of a bad value or an unreadable store', () => {
    expect(() => clientSecurityFromProperties({ 'security.protocol': 'SSL', 'ssl.truststore.location': '/missing/ca.pem' }))
      .to.throw(ConfigError, 'Invalid value /missing/ca.pem for configuration ssl.truststore.location');
    expect(() => clientSecurityFromProperties({ 'security.protocol': 'SSL', 'ssl.endpoint.identification.algorithm': 'ldaps' }))
      .to.throw(ConfigError, 'ssl.endpoint.identification.algorithm');
    expect(() => clientSecurityFromProperties({ 'security.protocol': 'SSL', 'ssl.enabled.protocols': 'TLSv1' }))
      .to.throw(ConfigError, 'ssl.enabled.protocols');
  });

  it('reaches ClientOptions.security from producer, consumer and admin properties', () => {
    const props = { 'bootstrap.servers': 'localhost:9093', 'security.protocol': 'SSL', 'ssl.truststore.location': certs.ca };
    expect(producerOptionsFromProperties(props).security?.protocol).to.equal('SSL');
    expect(parseConsumerConfig(props).config.security?.protocol).to.equal('SSL');
    expect(clientOptionsFromProperties(props, 'localhost:9093').security?.tls?.ca).to.have.length(1);
  });
});
