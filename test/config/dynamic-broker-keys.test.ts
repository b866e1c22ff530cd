import { expect } from 'chai';
import { DYNAMIC_BROKER_KEYS, isDynamicBrokerKey, validateDynamicBrokerConfig } from '../../lib/config/dynamic-broker-keys';
import { ErrorCode } from '../../lib/protocol/errors';

describe('config/dynamic-broker-keys', () => {
  it('marks dynamic the keys Kafka 2.8 does that Samsa has, and no static or ignored key', () => {
    for (const key of ['log.retention.ms', 'log.retention.bytes', 'log.segment.bytes', 'message.max.bytes', 'num.replica.fetchers',
      'log.cleaner.backoff.ms', 'min.insync.replicas', 'log.cleanup.policy', 'log.level']) {
      expect(DYNAMIC_BROKER_KEYS.has(key), key).to.equal(true);
    }
    for (const key of ['zookeeper.connect', 'broker.id', 'log.dirs', 'log.retention.hours', 'listeners', 'num.io.threads']) {
      expect(isDynamicBrokerKey(key), key).to.equal(false);
    }
    expect(isDynamicBrokerKey('leader.replication.throttled.rate')).to.equal(true);
    expect(isDynamicBrokerKey('follower.replication.throttled.rate')).to.equal(true);
    expect(isDynamicBrokerKey('log.level.replica-manager')).to.equal(true);
  });

  it('accepts valid dynamic values', () => {
    validateDynamicBrokerConfig({ 'log.retention.ms': '60000', 'num.replica.fetchers': '3', 'log.level': 'WARN',
      'log.level.storage': 'debug', 'leader.replication.throttled.rate': '1048576' });
  });

  it('refuses a static key with Kafka\'s message, as INVALID_REQUEST', () => {
    expect(() => validateDynamicBrokerConfig({ 'log.retention.ms': '1', 'zookeeper.connect': 'x:1', 'broker.id': '3' }))
      .to.throw('Cannot update these configs dynamically: Set(zookeeper.connect, broker.id)')
      .with.property('code', ErrorCode.INVALID_REQUEST.code);
  });

  it('says which of Kafka\'s dynamic keys Samsa does not use, rather than calling them unknown', () => {
    expect(() => validateDynamicBrokerConfig({ 'background.threads': '2', 'num.io.threads': '4' }))
      .to.throw('Samsa does not use these configs, so they cannot be updated dynamically: Set(background.threads, num.io.threads)');
  });

  it('refuses an unknown key and a bad value, naming the key, as INVALID_CONFIG', () => {
    expect(() => validateDynamicBrokerConfig({ 'no.such.key': '1' })).to.throw('Unknown broker config name: no.such.key')
      .with.property('code', ErrorCode.INVALID_CONFIG.code);
    expect(() => validateDynamicBrokerConfig({ 'num.replica.fetchers': '0' })).to.throw(/Invalid value 0 for configuration num.replica.fetchers/)
      .with.property('code', ErrorCode.INVALID_CONFIG.code);
    expect(() => validateDynamicBrokerConfig({ 'log.level.storage': 'loud' })).to.throw(/configuration log.level.storage/);
    expect(() => validateDynamicBrokerConfig({ 'leader.replication.throttled.rate': '-5' })).to.throw(/leader.replication.throttled.rate/);
  });
});
