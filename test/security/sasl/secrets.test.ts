import { expect } from 'chai';
import { brokerConfigEntries, isSensitiveConfigName } from '../../../lib/broker/config-entries';
import { describeBrokerConfig } from '../../../lib/config/broker-config';
import { build } from '../../config/broker-config-helpers';
import { PLAIN_JAAS } from './sasl-helpers';

describe('security/sasl secrets', () => {
  it("treats Kafka's PASSWORD keys as sensitive, plain or listener-prefixed", () => {
    for (const name of ['listener.name.sasl_ssl.plain.sasl.jaas.config', 'sasl.jaas.config', 'ssl.key.password', 'ssl.keystore.password',
      'ssl.truststore.password', 'ssl.keystore.key', 'listener.name.external.ssl.key.password']) {
      expect(isSensitiveConfigName(name), name).to.equal(true);
    }
    for (const name of ['sasl.enabled.mechanisms', 'ssl.keystore.location', 'listeners']) expect(isSensitiveConfigName(name), name).to.equal(false);
  });

  it('never shows a JAAS password in the startup dump or in DescribeConfigs', () => {
    const { config } = build({
      listeners: 'PLAINTEXT://localhost:9092,SASL_PLAINTEXT://localhost:9093',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
    });
    const described = JSON.stringify(brokerConfigEntries(config, { includeSynonyms: true, includeDocumentation: false }));
    const dumped = describeBrokerConfig(config).join('\n');
    for (const text of [described, dumped]) expect(text).to.not.contain('admin-secret').and.not.contain('carol-secret');
    expect(dumped).to.contain('carol');
  });
});
