import { expect } from 'chai';
import { CLIENT_DEFAULTS } from '../../lib/client/client-options';
import { CONSUMER_DEFAULTS, resolveConsumerOptions } from '../../lib/client/consumer-options';
import { brokerConfigDefs } from '../../lib/config/broker-config-defs';
import { parseConsumerConfig } from '../../lib/config/client-config';
import { intKey, longKey, stringKey } from '../../lib/config/config-def';
import { configDefault } from '../../lib/config/config-default';
import { DEFAULT_LOG_CONFIG } from '../../lib/storage/log-config';

describe('config/config-default', () => {
  const defs = {
    'with.default': intKey({ default: 7, importance: 'LOW', doc: 'd' }),
    'unset.by.default': longKey({ default: null, importance: 'LOW', doc: 'd' }),
    'required.key': stringKey({ importance: 'LOW', doc: 'd' }),
  };

  it('returns the default written in the definition', () => {
    expect(configDefault(defs, 'with.default')).to.equal(7);
  });

  it('refuses keys whose default is unset or that are required', () => {
    expect(() => configDefault(defs, 'unset.by.default')).to.throw('config key unset.by.default has no default');
    expect(() => configDefault(defs, 'required.key')).to.throw('config key required.key has no default');
  });

  it('gives code-built consumers the same settings as an empty properties file', () => {
    const fromProperties = parseConsumerConfig({ 'bootstrap.servers': 'localhost:9092' }).config;
    const fromCode = resolveConsumerOptions({ bootstrapServers: 'localhost:9092' });
    expect(fromCode.sessionTimeoutMs).to.equal(fromProperties.sessionTimeoutMs);
    expect(fromCode.maxPollIntervalMs).to.equal(fromProperties.maxPollIntervalMs);
    expect(fromCode.requestTimeoutMs).to.equal(fromProperties.requestTimeoutMs);
    expect(fromCode.connectTimeoutMs).to.equal(fromProperties.socketConnectionSetupTimeoutMs);
    expect(CONSUMER_DEFAULTS.fetchMaxBytes).to.equal(fromProperties.fetchMaxBytes);
    expect(CLIENT_DEFAULTS.metadataMaxAgeMs).to.equal(fromProperties.metadataMaxAgeMs);
  });

  it('gives storage the broker keys\' defaults', () => {
    expect(DEFAULT_LOG_CONFIG.segmentBytes).to.equal(configDefault(brokerConfigDefs, 'log.segment.bytes'));
    expect(DEFAULT_LOG_CONFIG.segmentMs).to.equal(7 * 24 * 60 * 60 * 1000);
    expect(DEFAULT_LOG_CONFIG.retentionMs).to.equal(7 * 24 * 60 * 60 * 1000);
    expect(DEFAULT_LOG_CONFIG.cleanupPolicy).to.equal('delete');
  });
});
