import * as path from 'path';
import { expect } from 'chai';
import { loadBrokerConfig } from '../../lib/config/broker-config';
import { parseConsumerConfig, parseProducerConfig } from '../../lib/config/client-config';
import { readPropertiesFile } from '../../lib/config/properties';

// Tests run from dist/test/config; the sample files live in <repo>/config.
const CONFIG_DIR = path.resolve(__dirname, '..', '..', '..', 'config');

describe('config/sample files', () => {
  it('config/server.properties loads with no unknown or ignored keys', () => {
    const { config, unknownKeys, ignoredKeys } = loadBrokerConfig(path.join(CONFIG_DIR, 'server.properties'));
    expect(unknownKeys).to.deep.equal([]);
    expect(ignoredKeys).to.deep.equal([]);
    expect(config.brokerId).to.equal(1);
    expect(config.listeners).to.deep.equal([
      { name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT', wireProtocol: 'samsa' },
      { name: 'KAFKA', host: 'localhost', port: 19092, securityProtocol: 'PLAINTEXT', wireProtocol: 'kafka' },
    ]);
    expect(config.interBrokerListenerName).to.equal('PLAINTEXT');
    expect(config.logDirs).to.deep.equal([path.resolve('data/samsa-logs')]);
    expect(config.zookeeperConnect).to.equal('localhost:2181');
    expect(config.offsetsTopicReplicationFactor).to.equal(1);
    expect(config.httpListener).to.deep.equal({ host: 'localhost', port: 8080 });
  });

  it('config/producer.properties and config/consumer.properties parse cleanly', () => {
    const producer = parseProducerConfig(readPropertiesFile(path.join(CONFIG_DIR, 'producer.properties')));
    const consumer = parseConsumerConfig(readPropertiesFile(path.join(CONFIG_DIR, 'consumer.properties')));
    expect(producer.unknownKeys).to.deep.equal([]);
    expect(consumer.unknownKeys).to.deep.equal([]);
    expect(producer.config.acks).to.equal(-1);
    expect(consumer.config.groupId).to.equal('test-consumer-group');
  });
});
