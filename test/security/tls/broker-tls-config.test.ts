import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { build, rejection } from '../../config/broker-config-helpers';
import { describeBrokerConfig } from '../../../lib/config/broker-config';
import { brokerTlsOverrides, testCerts } from '../../helpers/certs';

const SSL_LISTENERS = { listeners: 'PLAINTEXT://:9092,SSL://:9093' };

describe('security/tls broker configuration', () => {
  const certs = testCerts();

  it('reads a PEM key store holding the key and the chain, with Kafka\'s defaults', () => {
    const { config, unknownKeys } = build({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs) });
    expect(unknownKeys).to.deep.equal([]);
    const tls = config.listenerTls.SSL;
    expect(tls.keyStore.kind).to.equal('pem');
    expect(tls.trustedCertificates).to.have.length(1);
    expect(tls.clientAuth).to.equal('none');
    expect(tls.verifyHostname).to.equal(true);
    expect(tls.parameters).to.deep.equal({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    expect(config.listenerTls).to.not.have.property('PLAINTEXT');
  });

  it('detects PEM without ssl.keystore.type and takes inline PEM keys', () => {
    expect(build({ ...SSL_LISTENERS, 'ssl.keystore.location': certs.broker.keystore }).config.listenerTls.SSL.keyStore.kind).to.equal('pem');
    const inline = build({
      ...SSL_LISTENERS, 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': fs.readFileSync(certs.broker.key, 'utf8'),
      'ssl.keystore.certificate.chain': fs.readFileSync(certs.broker.cert, 'utf8'), 'ssl.truststore.certificates': certs.caPem,
    });
    expect(inline.config.listenerTls.SSL.trustedCertificates).to.have.length(1);
  });

  it('reads an encrypted PEM key with ssl.key.password and refuses a wrong one without printing it', () => {
    const ok = build({ ...SSL_LISTENERS, 'ssl.keystore.location': certs.encryptedKeystore, 'ssl.key.password': certs.password });
    expect(ok.config.listenerTls.SSL.keyStore.kind).to.equal('pem');
    const wrong = rejection({ ...SSL_LISTENERS, 'ssl.keystore.location': certs.encryptedKeystore, 'ssl.key.password': 'not-the-password' });
    expect(wrong.key).to.equal('ssl.key.password');
    expect(wrong.message).to.contain('does not decrypt').and.not.contain('not-the-password');
    const missing = rejection({ ...SSL_LISTENERS, 'ssl.keystore.location': certs.encryptedKeystore });
    expect(missing.message).to.contain('is encrypted but ssl.key.password is not set');
  });

  it('reads PKCS12 key and trust stores and refuses a wrong store password without printing it', () => {
    const { config } = build({
      ...SSL_LISTENERS, 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': certs.pkcs12Keystore, 'ssl.keystore.password': certs.password,
      'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': certs.pkcs12Truststore, 'ssl.truststore.password': certs.password,
    });
    expect(config.listenerTls.SSL.keyStore.kind).to.equal('pkcs12');
    expect(config.listenerTls.SSL.trustedCertificates).to.have.length(1);
    const err = rejection({ ...SSL_LISTENERS, 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': certs.pkcs12Keystore, 'ssl.keystore.password': 'guess-1' });
    expect(err.key).to.equal('ssl.keystore.password');
    expect(err.message).to.not.contain('guess-1');
    const trust = rejection({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': certs.pkcs12Truststore, 'ssl.truststore.password': 'guess-2' });
    expect(trust.key).to.equal('ssl.truststore.password');
    expect(trust.message).to.not.contain('guess-2');
  });

  it('refuses JKS with the keytool conversion, a missing file, a key and certificate that do not match', () => {
    const jks = rejection({ ...SSL_LISTENERS, 'ssl.keystore.type': 'JKS', 'ssl.keystore.location': certs.broker.keystore });
    expect(jks.key).to.equal('ssl.keystore.type');
    expect(jks.message).to.contain('keytool -importkeystore');
    const missing = rejection({ ...SSL_LISTENERS, 'ssl.keystore.location': '/nonexistent/ks.pem' });
    expect(missing.message).to.equal('Invalid value /nonexistent/ks.pem for configuration ssl.keystore.location: cannot read the store (file not found)');
    const mismatched = path.join(certs.dir, 'mismatched.pem');
    fs.writeFileSync(mismatched, fs.readFileSync(certs.client.key, 'utf8') + fs.readFileSync(certs.broker.cert, 'utf8'));
    const mismatch = rejection({ ...SSL_LISTENERS, 'ssl.keystore.location': mismatched });
    expect(mismatch.key).to.equal('ssl.keystore.location');
    expect(mismatch.message).to.contain('does not belong to the private key');
  });

  it('refuses a TLS listener without a key store, and TLS versions below 1.2', () => {
    const none = rejection({ ...SSL_LISTENERS });
    expect(none.key).to.equal('ssl.keystore.location');
    expect(none.message).to.contain('Listener SSL uses TLS but has no key store');
    const old = rejection({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'ssl.enabled.protocols': 'TLSv1.1,TLSv1.2' });
    expect(old.message).to.equal('Invalid value TLSv1.1,TLSv1.2 for configuration ssl.enabled.protocols: TLSv1.1 is not supported: Samsa speaks TLSv1.2 and TLSv1.3 only');
    expect(rejection({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'ssl.protocol': 'SSLv3' }).key).to.equal('ssl.protocol');
    const only13 = build({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'ssl.enabled.protocols': 'TLSv1.3' });
    expect(only13.config.listenerTls.SSL.parameters.minVersion).to.equal('TLSv1.3');
  });

  it('takes IANA cipher suite names and refuses a list OpenSSL does not know', () => {
    const { config } = build({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'ssl.cipher.suites': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256' });
    expect(config.listenerTls.SSL.parameters.ciphers).to.equal('ECDHE-ECDSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256');
    expect(rejection({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'ssl.cipher.suites': 'NOT_A_SUITE' }).key).to.equal('ssl.cipher.suites');
  });

  it('applies listener.name.<listener>.ssl.* over ssl.* for that listener only, naming the prefixed key in errors', () => {
    const { config, unknownKeys } = build({
      listeners: 'PLAINTEXT://:9092,SSL://:9093,INTERNAL://:9094', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,INTERNAL:SSL',
      ...brokerTlsOverrides(certs), 'listener.name.internal.ssl.client.auth': 'required',
    });
    expect(unknownKeys).to.deep.equal([]);
    expect(config.listenerTls.INTERNAL.clientAuth).to.equal('required');
    expect(config.listenerTls.SSL.clientAuth).to.equal('none');
    const err = rejection({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'listener.name.ssl.ssl.keystore.location': '/nope.pem' });
    expect(err.key).to.equal('listener.name.ssl.ssl.keystore.location');
    const bad = rejection({ ...SSL_LISTENERS, ...brokerTlsOverrides(certs), 'listener.name.ssl.ssl.client.auth': 'sometimes' });
    expect(bad.key).to.equal('listener.name.ssl.ssl.client.auth');
  });

  it('keeps key stores and passwords out of the startup dump', () => {
    const { config } = build({ ...SSL_LISTENERS, 'ssl.keystore.location': certs.encryptedKeystore, 'ssl.key.password': certs.password });
    const dump = describeBrokerConfig(config).join('\n');
    expect(dump).to.contain('listenerTls = SSL');
    expect(dump).to.not.contain(certs.password).and.not.contain('PRIVATE KEY');
  });

  it('picks the inter-broker listener by security.inter.broker.protocol, exclusive with inter.broker.listener.name', () => {
    const both = { listeners: 'PLAINTEXT://:9092,SSL://:9093', ...brokerTlsOverrides(certs) };
    expect(build({ ...both, 'security.inter.broker.protocol': 'ssl' }).config.interBrokerListenerName).to.equal('SSL');
    const custom = build({ listeners: 'PLAINTEXT://:9092,INTERNAL://:9093', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:SSL', ...brokerTlsOverrides(certs), 'security.inter.broker.protocol': 'SSL' });
    expect(custom.config.interBrokerListenerName).to.equal('INTERNAL');
    expect(rejection({ ...both, 'security.inter.broker.protocol': 'SSL', 'inter.broker.listener.name': 'SSL' }).message)
      .to.equal('Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.');
    expect(rejection({ ...both, 'security.inter.broker.protocol': 'SASL_SSL' }).key).to.equal('security.inter.broker.protocol');
  });
});
