import { expect } from 'chai';
import { parseConsumerConfig, parseProducerConfig } from '../../lib/config/client-config';
import { ConfigError } from '../../lib/config/config-error';

const BOOTSTRAP = { 'bootstrap.servers': 'localhost:9092' };

describe('config/client-config', () => {
  describe('producer', () => {
    it("uses Kafka's producer defaults", () => {
      const { config, unknownKeys } = parseProducerConfig(BOOTSTRAP);
      expect(unknownKeys).to.deep.equal([]);
      expect(config).to.include({
        clientId: '', acks: -1, lingerMs: 5, batchSize: 16384, bufferMemory: 33554432, maxRequestSize: 1048576,
        compressionType: 'none', retries: 2147483647, retryBackoffMs: 100, requestTimeoutMs: 30000, deliveryTimeoutMs: 120000,
        maxInFlightRequestsPerConnection: 5, enableIdempotence: true, metadataMaxAgeMs: 300000, reconnectBackoffMs: 50,
        reconnectBackoffMaxMs: 1000, maxBlockMs: 60000,
      });
      expect(config.bootstrapServers).to.deep.equal([{ host: 'localhost', port: 9092 }]);
    });

    it('requires bootstrap.servers and checks each address', () => {
      expect(() => parseProducerConfig({})).to.throw(ConfigError, 'Missing required configuration "bootstrap.servers"');
      expect(() => parseProducerConfig({ 'bootstrap.servers': '' })).to.throw(ConfigError, 'for configuration bootstrap.servers');
      expect(() => parseProducerConfig({ 'bootstrap.servers': 'a:1,b' })).to.throw(ConfigError, 'Invalid url in bootstrap.servers: b');
    });

    it('maps acks to its wire value', () => {
      expect(parseProducerConfig({ ...BOOTSTRAP, acks: '1' }).config.acks).to.equal(1);
      expect(parseProducerConfig({ ...BOOTSTRAP, acks: '0' }).config.acks).to.equal(0);
      expect(parseProducerConfig({ ...BOOTSTRAP, acks: '-1' }).config.acks).to.equal(-1);
      expect(() => parseProducerConfig({ ...BOOTSTRAP, acks: '2' })).to.throw(ConfigError, 'Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1');
    });

    it('rejects an unknown compression codec', () => {
      expect(() => parseProducerConfig({ ...BOOTSTRAP, 'compression.type': 'brotli' })).to.throw(ConfigError, 'configuration compression.type');
    });

    it('quietly turns idempotence off when acks is not all and idempotence was not asked for', () => {
      expect(parseProducerConfig({ ...BOOTSTRAP, acks: '1' }).config.enableIdempotence).to.equal(false);
    });

    it('refuses an explicit idempotence request that contradicts acks, retries or in-flight limits', () => {
      const base = { ...BOOTSTRAP, 'enable.idempotence': 'true' };
      expect(() => parseProducerConfig({ ...base, acks: '1' })).to.throw(ConfigError, 'Must set acks to all');
      expect(() => parseProducerConfig({ ...base, retries: '0' })).to.throw(ConfigError, 'Must set retries to non-zero');
      expect(() => parseProducerConfig({ ...base, 'max.in.flight.requests.per.connection': '6' })).to.throw(ConfigError, 'at most 5');
    });

    it('maps transactional.id and transaction.timeout.ms; a transactional id demands idempotence', () => {
      expect(parseProducerConfig(BOOTSTRAP).config).to.include({ transactionalId: null, transactionTimeoutMs: 60000 });
      const { config } = parseProducerConfig({ ...BOOTSTRAP, 'transactional.id': 'tx', 'transaction.timeout.ms': '9000' });
      expect(config).to.include({ transactionalId: 'tx', transactionTimeoutMs: 9000, enableIdempotence: true });
      const tx = { ...BOOTSTRAP, 'transactional.id': 'tx' };
      expect(() => parseProducerConfig({ ...tx, 'enable.idempotence': 'false' })).to.throw(ConfigError, 'Cannot set a transactional.id without also enabling idempotence.');
      // Not quietly off as without a transactional id: the contradiction is an error.
      expect(() => parseProducerConfig({ ...tx, acks: '1' })).to.throw(ConfigError, 'Must set acks to all');
    });

    it('stretches a default delivery timeout but rejects a too-small explicit one', () => {
      expect(parseProducerConfig({ ...BOOTSTRAP, 'request.timeout.ms': '200000' }).config.deliveryTimeoutMs).to.equal(200005);
      expect(() => parseProducerConfig({ ...BOOTSTRAP, 'delivery.timeout.ms': '1000' }))
        .to.throw(ConfigError, 'delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms');
    });

    it('accepts JS values and reports unknown keys; serializer keys are real now', () => {
      const { config, unknownKeys, ignoredKeys } = parseProducerConfig({
        'bootstrap.servers': ['a:1', 'b:2'], 'linger.ms': 0, 'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer', 'lingr.ms': 3,
      });
      expect(config.bootstrapServers).to.have.length(2);
      expect(config.lingerMs).to.equal(0);
      expect(unknownKeys).to.deep.equal(['lingr.ms']);
      expect(ignoredKeys).to.deep.equal([]);
      expect(config.keySerializer).to.equal('org.apache.kafka.common.serialization.StringSerializer');
    });

    it('rejects bad numbers naming the key', () => {
      expect(() => parseProducerConfig({ ...BOOTSTRAP, 'batch.size': '-1' })).to.throw(ConfigError, 'Invalid value -1 for configuration batch.size: Value must be at least 0');
      expect(() => parseProducerConfig({ ...BOOTSTRAP, 'linger.ms': 'soon' })).to.throw(ConfigError, 'configuration linger.ms');
    });

    it("takes Kafka's four security protocols, case-insensitively, and rejects others", () => {
      expect(parseProducerConfig({ ...BOOTSTRAP }).config.security).to.equal(undefined);
      expect(parseProducerConfig({ ...BOOTSTRAP, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";' }).config.security)
        .to.deep.equal({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'alice-secret' } });
      expect(() => parseProducerConfig({ ...BOOTSTRAP, 'security.protocol': 'sasl_plaintext' })).to.throw(ConfigError, 'sasl.mechanism must be set');
      expect(parseProducerConfig({ ...BOOTSTRAP, 'security.protocol': 'ssl' }).config.security?.protocol).to.equal('SSL');
      expect(() => parseProducerConfig({ ...BOOTSTRAP, 'security.protocol': 'TLS' })).to.throw(ConfigError, 'configuration security.protocol');
    });
  });

  describe('consumer', () => {
    it("uses Kafka's consumer defaults", () => {
      const { config } = parseConsumerConfig({ ...BOOTSTRAP, 'group.id': 'g' });
      expect(config).to.include({
        groupId: 'g', autoOffsetReset: 'latest', enableAutoCommit: true, autoCommitIntervalMs: 5000, fetchMinBytes: 1,
        fetchMaxBytes: 52428800, fetchMaxWaitMs: 500, maxPartitionFetchBytes: 1048576, maxPollRecords: 500,
        sessionTimeoutMs: 45000, heartbeatIntervalMs: 3000, maxPollIntervalMs: 300000, isolationLevel: 'read_uncommitted',
      });
      expect(config.partitionAssignmentStrategy).to.deep.equal(['range']);
    });

    it('validates auto.offset.reset', () => {
      expect(parseConsumerConfig({ ...BOOTSTRAP, 'auto.offset.reset': 'earliest' }).config.autoOffsetReset).to.equal('earliest');
      expect(() => parseConsumerConfig({ ...BOOTSTRAP, 'auto.offset.reset': 'smallest' }))
        .to.throw(ConfigError, 'Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none');
    });

    it('maps assignor names, including Kafka class names, and rejects unsupported ones', () => {
      const { config } = parseConsumerConfig({ ...BOOTSTRAP, 'partition.assignment.strategy': 'roundrobin,org.apache.kafka.clients.consumer.StickyAssignor' });
      expect(config.partitionAssignmentStrategy).to.deep.equal(['roundrobin', 'sticky']);
      const cooperative = parseConsumerConfig({ ...BOOTSTRAP, 'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor,cooperative-sticky' });
      expect(cooperative.config.partitionAssignmentStrategy).to.deep.equal(['cooperative-sticky', 'cooperative-sticky']);
      expect(() => parseConsumerConfig({ ...BOOTSTRAP, 'partition.assignment.strategy': 'org.example.MyAssignor' }))
        .to.throw(ConfigError, 'configuration partition.assignment.strategy');
    });

    it('reads group.instance.id for static membership', () => {
      expect(parseConsumerConfig({ ...BOOTSTRAP, 'group.instance.id': 'web-1' }).config.groupInstanceId).to.equal('web-1');
      expect(parseConsumerConfig({ ...BOOTSTRAP }).config.groupInstanceId).to.equal(null);
    });

    it('requires the heartbeat to be shorter than the session timeout', () => {
      expect(() => parseConsumerConfig({ ...BOOTSTRAP, 'session.timeout.ms': '3000' })).to.throw(ConfigError, 'configuration heartbeat.interval.ms');
    });

    it('disables auto-commit without a group unless it was asked for explicitly', () => {
      expect(parseConsumerConfig(BOOTSTRAP).config.enableAutoCommit).to.equal(false);
      expect(() => parseConsumerConfig({ ...BOOTSTRAP, 'enable.auto.commit': 'true' }))
        .to.throw(ConfigError, 'enable.auto.commit cannot be set to true when default group id (null) is used.');
    });

    it('accepts isolation.level in any case', () => {
      expect(parseConsumerConfig({ ...BOOTSTRAP, 'isolation.level': 'READ_COMMITTED' }).config.isolationLevel).to.equal('read_committed');
    });
  });
});
