import { expect } from 'chai';
import { build, rejection } from '../../config/broker-config-helpers';
import * as fs from 'fs';
import * as path from 'path';
import { describeBrokerConfig, loadBrokerConfig } from '../../../lib/config/broker-config';
import { tempDir } from '../../helpers/cluster';

const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";';
const SASL_LISTENERS = {
  listeners: 'PLAINTEXT://localhost:9092,SASL_PLAINTEXT://localhost:9093',
};

describe('security/sasl/broker-sasl-config', () => {
  it('defaults to SCRAM-SHA-256 and SCRAM-SHA-512 on SASL listeners only', () => {
    const { config, unknownKeys } = build(SASL_LISTENERS);
    expect([...config.sasl.listeners.keys()]).to.deep.equal(['SASL_PLAINTEXT']);
    expect(config.sasl.listeners.get('SASL_PLAINTEXT')!.mechanisms).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(config.sasl.interBroker).to.equal(null);
    expect(config.sasl.failedAuthenticationDelayMs).to.equal(100);
    expect(unknownKeys).to.deep.equal([]);
  });

  it("reads a listener's mechanisms and PLAIN users from its listener-prefixed keys", () => {
    const { config, unknownKeys } = build({
      ...SASL_LISTENERS,
      'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
    });
    const listener = config.sasl.listeners.get('SASL_PLAINTEXT')!;
    expect(listener.mechanisms).to.deep.equal(['PLAIN', 'SCRAM-SHA-512']);
    expect([...listener.plainUsers]).to.deep.equal([['admin', 'admin-secret'], ['alice', 'alice-secret']]);
    expect(unknownKeys).to.deep.equal([]);
  });

  it('takes the inter-broker credentials from the inter-broker mechanism entry and never prints them', () => {
    const { config } = build({
      listeners: 'SASL_PLAINTEXT://localhost:9093',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
    });
    expect(config.sasl.interBroker).to.deep.equal({ mechanism: 'PLAIN', username: 'admin', password: 'admin-secret' });
    const dump = describeBrokerConfig(config).join('\n');
    expect(dump).to.contain('admin').and.not.contain('admin-secret').and.not.contain('alice-secret');
  });

  it('refuses GSSAPI and OAUTHBEARER clearly', () => {
    for (const mechanism of ['GSSAPI', 'OAUTHBEARER']) {
      const err = rejection({ ...SASL_LISTENERS, 'sasl.enabled.mechanisms': mechanism });
      expect(err.key).to.equal('sasl.enabled.mechanisms');
      expect(err.message).to.contain(`SASL mechanism ${mechanism} is not supported by Samsa`);
    }
    expect(rejection({ ...SASL_LISTENERS, 'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'GSSAPI' }).key)
      .to.equal('listener.name.sasl_plaintext.sasl.enabled.mechanisms');
  });

  it('refuses PLAIN without users, a broken JAAS entry, and an inter-broker mechanism not enabled', () => {
    expect(rejection({ ...SASL_LISTENERS, 'sasl.enabled.mechanisms': 'PLAIN' }).key).to.equal('listener.name.sasl_plaintext.plain.sasl.jaas.config');
    const broken = rejection({ ...SASL_LISTENERS, 'sasl.enabled.mechanisms': 'PLAIN', 'listener.name.sasl_plaintext.plain.sasl.jaas.config': 'user_a="secret-a"' });
    expect(broken.key).to.equal('listener.name.sasl_plaintext.plain.sasl.jaas.config');
    expect(broken.message).to.not.contain('secret-a');
    const ib = rejection({ listeners: 'SASL_PLAINTEXT://localhost:9093', 'sasl.mechanism.inter.broker.protocol': 'PLAIN' });
    expect(ib.key).to.equal('sasl.mechanism.inter.broker.protocol');
    expect(rejection({ listeners: 'SASL_PLAINTEXT://localhost:9093' }).key).to.equal('listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config');
  });

  it('refuses an un-prefixed broker sasl.jaas.config, naming the prefixed form', () => {
    const err = rejection({ ...SASL_LISTENERS, 'sasl.jaas.config': PLAIN_JAAS });
    expect(err.message).to.contain('listener.name.<listener>.<mechanism>.sasl.jaas.config').and.not.contain('admin-secret');
  });

  it('accepts connections.max.reauth.ms=0 only, and connection.failed.authentication.delay.ms', () => {
    expect(build({ 'connections.max.reauth.ms': '0', 'connection.failed.authentication.delay.ms': '5' }).config.sasl.failedAuthenticationDelayMs).to.equal(5);
    expect(rejection({ 'connections.max.reauth.ms': '3600000' }).message).to.contain('does not re-authenticate');
  });

  it('reads a JAAS entry from server.properties as Kafka writes it', () => {
    const file = path.join(tempDir('sasl-props'), 'server.properties');
    fs.writeFileSync(file, [
      'broker.id=1', 'zookeeper.connect=localhost:2181',
      'listeners=SASL_PLAINTEXT://localhost:9093',
      'sasl.enabled.mechanisms=PLAIN',
      'sasl.mechanism.inter.broker.protocol=PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\',
      '    username="admin" password="admin-secret" \\',
      '    user_admin="admin-secret" user_alice="alice-secret";',
      '',
    ].join('\n'));
    const { config, unknownKeys } = loadBrokerConfig(file);
    expect(unknownKeys).to.deep.equal([]);
    expect(config.sasl.interBroker).to.deep.equal({ mechanism: 'PLAIN', username: 'admin', password: 'admin-secret' });
    expect([...config.sasl.listeners.get('SASL_PLAINTEXT')!.plainUsers.keys()]).to.deep.equal(['admin', 'alice']);
  });
});
