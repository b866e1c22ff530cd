import { expect } from 'chai';
import fc from 'fast-check';
import { buildBrokerConfig } from '../../lib/config/broker-config';
import { ConfigError } from '../../lib/config/config-error';
import {
  describeTopicConfig, effectiveLogConfig, isValidTopicName, MAX_TOPIC_NAME_LENGTH, parseTopicConfig, topicConfigDefs,
  topicNameProblem, validateTopicConfig, validateTopicName,
} from '../../lib/config/topic-config';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';

const broker = buildBrokerConfig({
  'broker.id': '1', 'zookeeper.connect': 'localhost:2181', 'log.segment.bytes': '1048576', 'log.retention.hours': '24',
  'log.flush.interval.ms': '1000', 'min.insync.replicas': '2',
}).config;

function topicError(name: string): SamsaError {
  try {
    validateTopicName(name);
  } catch (err) {
    expect(err).to.be.instanceOf(SamsaError);
    return err as SamsaError;
  }
  throw new Error(`expected topic name '${name}' to be rejected`);
}

describe('config/topic-config', () => {
  describe('validateTopicName', () => {
    it('accepts ASCII letters, digits, dot, underscore and dash', () => {
      for (const name of ['orders', 'Orders.v2', 'a_b-c', '__consumer_offsets', '...', 'x'.repeat(MAX_TOPIC_NAME_LENGTH)]) {
        expect(() => validateTopicName(name), name).to.not.throw();
      }
    });

    it("rejects the empty name with Kafka's message and INVALID_TOPIC_EXCEPTION", () => {
      const err = topicError('');
      expect(err.code).to.equal(ErrorCode.INVALID_TOPIC_EXCEPTION.code);
      expect(err.message).to.contain('Topic name is invalid: the empty string is not allowed');
    });

    it('rejects . and ..', () => {
      expect(topicError('.').message).to.contain("Topic name is invalid: '.' is not allowed");
      expect(topicError('..').message).to.contain("Topic name is invalid: '..' is not allowed");
    });

    it('rejects names longer than 249 characters', () => {
      const name = 'x'.repeat(250);
      expect(topicError(name).message).to.contain(`the length of '${name}' is longer than the max allowed length 249`);
    });

    it('rejects other characters', () => {
      for (const name of ['a b', 'a/b', 'tópico', 'a:b', 'a\nb', 'a*']) {
        expect(topicError(name).message, name).to.contain(`'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`);
      }
    });

    it('agrees with the character rule for arbitrary strings', () => {
      fc.assert(fc.property(fc.string({ maxLength: 20 }), (name) => {
        const expected = name.length > 0 && name !== '.' && name !== '..' && /^[a-zA-Z0-9._-]+$/.test(name);
        expect(isValidTopicName(name)).to.equal(expected);
        expect(topicNameProblem(name) === null).to.equal(expected);
      }));
    });
  });

  describe('parseTopicConfig', () => {
    it('types the overrides a topic sets and nothing else', () => {
      expect(parseTopicConfig({ 'cleanup.policy': 'compact', 'retention.ms': '-1', 'segment.bytes': '1024', 'unclean.leader.election.enable': 'true' }))
        .to.deep.equal({ cleanupPolicy: 'compact', retentionMs: -1, segmentBytes: 1024, uncleanLeaderElectionEnable: true });
    });

    it('rejects an unknown topic config key with INVALID_CONFIG', () => {
      expect(() => validateTopicConfig({ 'retention.msec': '1' })).to.throw(ConfigError, 'Unknown topic config name: retention.msec');
      expect(() => validateTopicConfig({ 'log.retention.ms': '1' })).to.throw(ConfigError, 'Unknown topic config name: log.retention.ms');
      expect(() => validateTopicConfig(new Map([['nope', 'x']]))).to.throw(ConfigError)
        .with.property('code', ErrorCode.INVALID_CONFIG.code);
    });

    it('rejects bad values naming the topic key', () => {
      const cases: Record<string, string> = {
        'cleanup.policy': 'shred', 'retention.ms': '-2', 'segment.bytes': '13', 'segment.ms': '0', 'segment.index.bytes': '3',
        'index.interval.bytes': '-1', 'max.message.bytes': '-1', 'min.insync.replicas': '0', 'flush.messages': '0',
        'flush.ms': '-1', 'unclean.leader.election.enable': 'sometimes', 'compression.type': 'brotli',
        'message.timestamp.type': 'createtime', 'delete.retention.ms': '-1', 'min.cleanable.dirty.ratio': '1.1',
        'retention.bytes': 'lots', 'message.timestamp.difference.max.ms': '-1', 'min.compaction.lag.ms': '-1',
        'max.compaction.lag.ms': '0',
      };
      expect(Object.keys(cases).sort()).to.deep.equal(Object.keys(topicConfigDefs).sort());
      for (const [name, value] of Object.entries(cases)) {
        expect(() => parseTopicConfig({ [name]: value }), name).to.throw(ConfigError, `Invalid value ${value} for configuration ${name}: `);
      }
    });
  });

  describe('effectiveLogConfig', () => {
    it('falls back to the broker defaults when a topic sets nothing', () => {
      expect(effectiveLogConfig(broker)).to.deep.equal({
        segmentBytes: 1048576, segmentMs: 168 * 3600000, indexIntervalBytes: 4096, indexSizeMaxBytes: 10485760,
        maxMessageBytes: 1048588, flushIntervalMessages: Number.MAX_SAFE_INTEGER, flushIntervalMs: 1000,
        retentionMs: 24 * 3600000, retentionBytes: -1, cleanupPolicy: 'delete', deleteRetentionMs: 86400000,
        minCleanableDirtyRatio: 0.5, minInsyncReplicas: 2, uncleanLeaderElectionEnable: false, compressionType: 'producer',
        messageTimestampType: 'CreateTime', messageTimestampDifferenceMaxMs: Number.MAX_SAFE_INTEGER,
        minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
      });
    });

    it('takes the compaction lags and timestamp difference from the topic, refusing min > max as Kafka does', () => {
      const log = effectiveLogConfig(broker, { 'min.compaction.lag.ms': '100', 'max.compaction.lag.ms': '5000', 'message.timestamp.difference.max.ms': '60000' });
      expect(log).to.include({ minCompactionLagMs: 100, maxCompactionLagMs: 5000, messageTimestampDifferenceMaxMs: 60000 });
      expect(() => parseTopicConfig({ 'min.compaction.lag.ms': '6000', 'max.compaction.lag.ms': '5000' }))
        .to.throw(ConfigError, 'conflict topic config setting min.compaction.lag.ms (6000) > max.compaction.lag.ms (5000)');
    });

    it('lets a topic override beat the broker default, from raw strings', () => {
      const log = effectiveLogConfig(broker, { 'segment.bytes': '4096', 'retention.ms': '60000', 'flush.ms': '5', 'cleanup.policy': 'compact' });
      expect(log).to.include({ segmentBytes: 4096, retentionMs: 60000, flushIntervalMs: 5, cleanupPolicy: 'compact', minInsyncReplicas: 2 });
    });

    it('accepts typed overrides too', () => {
      const log = effectiveLogConfig(broker, { segmentBytes: 2048, minInsyncReplicas: 1 });
      expect(log).to.include({ segmentBytes: 2048, minInsyncReplicas: 1, retentionMs: 24 * 3600000 });
    });

    it('normalises any negative retention to -1', () => {
      expect(effectiveLogConfig(broker, { 'retention.bytes': '-100' }).retentionBytes).to.equal(-1);
    });

    it('validates raw overrides on the way', () => {
      expect(() => effectiveLogConfig(broker, { 'segment.bytes': '1' })).to.throw(ConfigError, 'segment.bytes');
    });
  });

  describe('describeTopicConfig', () => {
    it('lists every topic key with its effective value and whether the topic set it', () => {
      const entries = describeTopicConfig(broker, { 'retention.ms': '1000' });
      expect(entries).to.have.length(Object.keys(topicConfigDefs).length);
      expect(entries).to.deep.include({ name: 'retention.ms', value: '1000', isOverride: true });
      expect(entries).to.deep.include({ name: 'segment.bytes', value: '1048576', isOverride: false });
    });
  });
});
