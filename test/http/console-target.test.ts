import { expect } from 'chai';
import { buildBrokerConfig } from '../../lib/config/broker-config';
import { consoleTarget } from '../../lib/http/console-target';
import { ThroughputHistory } from '../../lib/http/throughput-history';
import { PLAIN_JAAS } from '../security/sasl/sasl-helpers';

const BASE = { 'broker.id': '1', 'zookeeper.connect': 'localhost:2181', 'http.listener': 'http://127.0.0.1:0' };
const ports = new Map([['PLAINTEXT', 9092], ['SASL_PLAINTEXT', 9094], ['KAFKA_SASL', 9095]]);
const boundPort = (name: string) => ports.get(name) ?? -1;

describe('http/console-target: where the console connects and as whom', () => {
  it('uses the inter-broker listener without sign-in when there is no authorizer', () => {
    const target = consoleTarget(buildBrokerConfig({ ...BASE, listeners: 'PLAINTEXT://:0' }).config, boundPort);
    expect(target.authRequired).to.equal(false);
    expect(target.unavailable).to.equal(null);
    expect(target.bootstrap()).to.equal('127.0.0.1:9092');
    expect(target.security(null)).to.equal(undefined);
  });

  it('signs users in with the strongest SASL mechanism of a native SASL listener when there is an authorizer', () => {
    const { config } = buildBrokerConfig({
      ...BASE, 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
      listeners: 'PLAINTEXT://127.0.0.1:0,KAFKA_SASL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,KAFKA_SASL:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'listener.wire.protocol.map': 'KAFKA_SASL:kafka', 'inter.broker.listener.name': 'PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS, 'listener.name.kafka_sasl.plain.sasl.jaas.config': PLAIN_JAAS,
    });
    const target = consoleTarget(config, boundPort);
    expect(target.authRequired).to.equal(true);
    // The Kafka-protocol SASL listener is skipped: the console's clients speak the native protocol.
    expect(target.bootstrap()).to.equal('127.0.0.1:9094');
    expect(target.security({ username: 'alice', password: 'pw' })).to.deep.equal({
      protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'pw' },
    });
  });

  it('explains why it cannot serve with an authorizer but no native SASL listener', () => {
    const { config } = buildBrokerConfig({ ...BASE, 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer', listeners: 'PLAINTEXT://127.0.0.1:0' });
    const target = consoleTarget(config, boundPort);
    expect(target.unavailable).to.contain('needs a SASL listener');
  });
});

describe('http/throughput-history', () => {
  it('turns log-end sums into rates, never negative, keeping at most 120 samples', async () => {
    let totals = { messages: 0, bytes: 0 };
    const history = new ThroughputHistory(() => totals, 1);
    try {
      for (let i = 1; i <= 130; i++) {
        totals = i === 65 ? { messages: 0, bytes: 0 } : { messages: i * 10, bytes: i * 1000 };
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      const samples = history.history();
      expect(samples.length).to.be.at.most(120).and.at.least(30);
      expect(samples.every((s) => s.messagesPerSec >= 0 && s.bytesPerSec >= 0)).to.equal(true);
      expect(samples.some((s) => s.messagesPerSec > 0)).to.equal(true);
    } finally {
      history.stop();
    }
  });
});
