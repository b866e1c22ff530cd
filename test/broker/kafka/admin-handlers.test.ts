import { expect } from 'chai';
import { Broker } from '../../../lib/broker/broker';
import { ConfigSource, ConfigType } from '../../../lib/broker/config-entries';
import { Producer } from '../../../lib/client/producer';
import { Connection } from '../../../lib/client/connection';
import { Api } from '../../../lib/protocol/api';
import { ErrorCode } from '../../../lib/protocol/errors';
import { topicConfigDefs } from '../../../lib/config/topic-config';
import { throttledReplicasDefs } from '../../../lib/config/replication-throttle-config';
import {
  KafkaCreatePartitions, KafkaCreateTopics, KafkaCreateTopicsRequestData, KafkaDeleteTopics, KafkaDescribeConfigs, ZERO_UUID,
} from '../../../lib/protocol/kafka/messages/admin';
import { KafkaInitProducerId } from '../../../lib/protocol/kafka/messages/producer-id';
import {
  KafkaAlterPartitionReassignments, KafkaElectLeaders, KafkaListPartitionReassignments, KafkaOffsetForLeaderEpoch,
} from '../../../lib/protocol/kafka/messages/replication';
import { startBroker } from '../../helpers/cluster';
import { waitUntil } from '../../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../../helpers/zookeeper';
import { KafkaTestClient, kafkaListenerPort, WITH_KAFKA_LISTENER } from './kafka-test-client';

const BROKER_ID = 1;
const SEGMENT_BYTES = 2097152;

function creatable(name: string, configs: Array<{ name: string; value: string | null }> = [], numPartitions = -1): KafkaCreateTopicsRequestData['topics'][number] {
  return { name, numPartitions, replicationFactor: -1, assignments: [], configs };
}

/** The admin and replication APIs over a Kafka listener in front of a real broker and ZooKeeper. */
describe('broker/kafka admin-handlers', function () {
  this.timeout(60000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let kafka: KafkaTestClient;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: BROKER_ID, zkConnect: zk.connectString, overrides: { ...WITH_KAFKA_LISTENER, 'log.segment.bytes': SEGMENT_BYTES } });
    await waitUntil('the broker to be the controller', () => broker.isController);
    kafka = await KafkaTestClient.connect(kafkaListenerPort(broker));
  });

  after(async () => {
    kafka?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  describe('InitProducerId', () => {
    it('gives an idempotent producer a fresh id at epoch 0, at v0 and at v4', async () => {
      const v0 = await kafka.send(KafkaInitProducerId, 0, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      expect(v0).to.include({ errorCode: 0, producerEpoch: 0 });
      expect(v0.producerId).to.be.at.least(0);
      const v4 = await kafka.send(KafkaInitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      expect(v4).to.include({ errorCode: 0, producerEpoch: 0 });
      expect(v4.producerId).to.be.greaterThan(v0.producerId);
    });

    it('answers an epoch bump of an idempotent producer (KIP-360) with a new id, as Kafka does', async () => {
      const first = await kafka.send(KafkaInitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      const bumped = await kafka.send(KafkaInitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: first.producerId, producerEpoch: 0 });
      expect(bumped).to.include({ errorCode: 0, producerEpoch: 0 });
      expect(bumped.producerId).to.not.equal(first.producerId);
    });

    it('refuses half a producer identity, and sends transactional producers away as Kafka\'s non-coordinator would', async () => {
      const half = await kafka.send(KafkaInitProducerId, 3, { transactionalId: null, transactionTimeoutMs: 60000, producerId: 5, producerEpoch: -1 });
      expect(half).to.deep.equal({ throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST.code, producerId: -1, producerEpoch: -1 });
      const txn = await kafka.send(KafkaInitProducerId, 2, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      expect(txn.errorCode).to.equal(ErrorCode.NOT_COORDINATOR.code);
      const empty = await kafka.send(KafkaInitProducerId, 0, { transactionalId: '', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      expect(empty.errorCode).to.equal(ErrorCode.INVALID_REQUEST.code);
    });
  });

  describe('topic administration', () => {
    it('validates without creating (v1), then reports counts and configs of a would-be topic (v5)', async () => {
      const v1 = await kafka.send(KafkaCreateTopics, 1, { topics: [creatable('checked', [], 2)], timeoutMs: 10000, validateOnly: true });
      expect(v1.topics).to.deep.equal([{
        name: 'checked', topicId: ZERO_UUID, errorCode: 0, errorMessage: null, numPartitions: -1, replicationFactor: -1, configs: [], topicConfigErrorCode: 0,
      }]);
      const v5 = await kafka.send(KafkaCreateTopics, 5, { topics: [creatable('checked', [{ name: 'retention.ms', value: '1000' }])], timeoutMs: 10000, validateOnly: true });
      const [topic] = v5.topics;
      expect(topic).to.include({ errorCode: 0, numPartitions: 1, replicationFactor: 1 });
      expect(topic.configs).to.deep.include({ name: 'retention.ms', value: '1000', readOnly: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false });
      expect(topic.configs).to.deep.include({ name: 'segment.bytes', value: String(SEGMENT_BYTES), readOnly: false, configSource: ConfigSource.STATIC_BROKER_CONFIG, isSensitive: false });
      const described = await kafka.send(KafkaDescribeConfigs, 0, { resources: [{ resourceType: 2, resourceName: 'checked', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
      expect(described.results[0].errorCode).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
    });

    it('creates topics at v0 and at v7 (broker defaults, configs, a zero topic id) and reports errors per topic', async () => {
      const v0 = await kafka.send(KafkaCreateTopics, 0, { topics: [creatable('old-style', [], 2)], timeoutMs: 10000, validateOnly: false });
      expect(v0.topics[0]).to.include({ name: 'old-style', errorCode: 0 });
      const v7 = await kafka.send(KafkaCreateTopics, 7, {
        topics: [creatable('admin-t', [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact' }]), creatable('old-style'), creatable('bad', [{ name: 'no.such.key', value: '1' }])],
        timeoutMs: 10000, validateOnly: false,
      });
      const [created, exists, bad] = v7.topics;
      expect(created).to.include({ name: 'admin-t', topicId: ZERO_UUID, errorCode: 0, errorMessage: null, numPartitions: 1, replicationFactor: 1 });
      expect(created.configs!.find((c) => c.name === 'cleanup.policy')).to.include({ value: 'compact', configSource: ConfigSource.TOPIC_CONFIG });
      expect(exists).to.include({ errorCode: ErrorCode.TOPIC_ALREADY_EXISTS.code, numPartitions: -1, replicationFactor: -1 });
      expect(exists.errorMessage).to.contain('already exists');
      expect(bad).to.include({ errorCode: ErrorCode.INVALID_CONFIG.code });
      expect(bad.configs).to.deep.equal([]);
    });

    it('describes a topic\'s configs with sources, synonyms, types and documentation (v4)', async () => {
      const response = await kafka.send(KafkaDescribeConfigs, 4, {
        resources: [{ resourceType: 2, resourceName: 'admin-t', configurationKeys: [] }], includeSynonyms: true, includeDocumentation: true,
      });
      const [result] = response.results;
      expect(result).to.include({ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'admin-t' });
      const byName = new Map(result.configs.map((c) => [c.name, c]));
      expect(byName.size, 'an empty key list means every key').to.equal(Object.keys(topicConfigDefs).length + Object.keys(throttledReplicasDefs).length);
      expect(byName.get('retention.ms')).to.deep.include({
        value: '3600000', readOnly: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false, configType: ConfigType.LONG,
        synonyms: [{ name: 'retention.ms', value: '3600000', source: ConfigSource.TOPIC_CONFIG }, { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG }],
      });
      expect(byName.get('segment.bytes')).to.deep.include({
        value: String(SEGMENT_BYTES), configSource: ConfigSource.STATIC_BROKER_CONFIG, configType: ConfigType.INT,
        synonyms: [
          { name: 'log.segment.bytes', value: String(SEGMENT_BYTES), source: ConfigSource.STATIC_BROKER_CONFIG },
          { name: 'log.segment.bytes', value: '1073741824', source: ConfigSource.DEFAULT_CONFIG },
        ],
      });
      expect(byName.get('min.insync.replicas')).to.deep.include({
        value: '1', configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [{ name: 'min.insync.replicas', value: '1', source: ConfigSource.DEFAULT_CONFIG }],
      });
      expect(byName.get('cleanup.policy')!.configType).to.equal(ConfigType.LIST);
      expect(byName.get('retention.ms')!.documentation).to.be.a('string').and.not.empty;
    });

    it('marks a topic\'s overrides as not default at v0 and leaves synonyms out unless asked', async () => {
      const v0 = await kafka.send(KafkaDescribeConfigs, 0, {
        resources: [{ resourceType: 2, resourceName: 'admin-t', configurationKeys: ['retention.ms', 'segment.bytes'] }], includeSynonyms: false, includeDocumentation: false,
      });
      expect(v0.results[0].configs.map(({ name, isDefault }) => ({ name, isDefault }))).to.deep.equal([
        { name: 'retention.ms', isDefault: false }, { name: 'segment.bytes', isDefault: true },
      ]);
      const v3 = await kafka.send(KafkaDescribeConfigs, 3, {
        resources: [{ resourceType: 2, resourceName: 'admin-t', configurationKeys: ['retention.ms'] }], includeSynonyms: false, includeDocumentation: false,
      });
      expect(v3.results[0].configs[0]).to.include({ configSource: ConfigSource.TOPIC_CONFIG, documentation: null });
      expect(v3.results[0].configs[0].synonyms).to.deep.equal([]);
    });

    it('describes this broker\'s configs with synonyms, read-only unless dynamic, and refuses another broker\'s id', async () => {
      const response = await kafka.send(KafkaDescribeConfigs, 1, {
        resources: [
          { resourceType: 4, resourceName: String(BROKER_ID), configurationKeys: ['log.segment.bytes', 'num.partitions', 'broker.id'] },
          { resourceType: 4, resourceName: '', configurationKeys: null },
          { resourceType: 4, resourceName: '7', configurationKeys: null },
        ],
        includeSynonyms: true, includeDocumentation: false,
      });
      const [mine, clusterDefaults, other] = response.results;
      expect(mine.errorCode).to.equal(0);
      expect(mine.configs.map(({ name, value, readOnly, configSource }) => ({ name, value, readOnly, configSource }))).to.deep.equal([
        { name: 'broker.id', value: String(BROKER_ID), readOnly: true, configSource: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'num.partitions', value: '1', readOnly: true, configSource: ConfigSource.DEFAULT_CONFIG },
        { name: 'log.segment.bytes', value: String(SEGMENT_BYTES), readOnly: false, configSource: ConfigSource.STATIC_BROKER_CONFIG },
      ]);
      expect(mine.configs[2].synonyms).to.deep.equal([
        { name: 'log.segment.bytes', value: String(SEGMENT_BYTES), source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.segment.bytes', value: '1073741824', source: ConfigSource.DEFAULT_CONFIG },
      ]);
      expect(clusterDefaults).to.include({ errorCode: 0 });
      expect(clusterDefaults.configs).to.deep.equal([]);
      expect(other).to.include({ errorCode: ErrorCode.INVALID_REQUEST.code });
      expect(other.errorMessage).to.contain('Unexpected broker id');
    });

    it('adds partitions (v3) and refuses to shrink (v0)', async () => {
      const grown = await kafka.send(KafkaCreatePartitions, 3, { topics: [{ name: 'admin-t', count: 3, assignments: null }], timeoutMs: 10000, validateOnly: false });
      expect(grown.results).to.deep.equal([{ name: 'admin-t', errorCode: 0, errorMessage: null }]);
      const conn = new Connection({ host: '127.0.0.1', port: broker.port });
      try {
        const md = await conn.send(Api.Metadata, { topics: ['admin-t'], allowAutoTopicCreation: false });
        expect(md.topics[0].partitions).to.have.length(3);
      } finally {
        conn.close();
      }
      const shrunk = await kafka.send(KafkaCreatePartitions, 0, { topics: [{ name: 'admin-t', count: 1, assignments: null }], timeoutMs: 10000, validateOnly: false });
      expect(shrunk.results[0].errorCode).to.equal(ErrorCode.INVALID_PARTITIONS.code);
    });
  });

  describe('replication APIs', () => {
    it('finds the end offset of a leader epoch at v0 and v4, and fences a newer current epoch', async () => {
      const producer = new Producer({ bootstrapServers: `127.0.0.1:${broker.port}`, lingerMs: 0 });
      try {
        await Promise.all([0, 1, 2].map((i) => producer.send({ topic: 'old-style', partition: 0, value: `v${i}` })));
      } finally {
        await producer.close();
      }
      const v0 = await kafka.send(KafkaOffsetForLeaderEpoch, 0, { replicaId: -2, topics: [{ name: 'old-style', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] });
      expect(v0.topics).to.deep.equal([{ name: 'old-style', partitions: [{ errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: 3 }] }]);
      const v4 = await kafka.send(KafkaOffsetForLeaderEpoch, 4, {
        replicaId: BROKER_ID,
        topics: [
          { name: 'old-style', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }, { partition: 1, currentLeaderEpoch: 9, leaderEpoch: 0 }] },
          { name: 'nowhere', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
        ],
      });
      expect(v4.topics).to.deep.equal([
        { name: 'old-style', partitions: [
          { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3 },
          { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH.code, partition: 1, leaderEpoch: -1, endOffset: -1 },
        ] },
        { name: 'nowhere', partitions: [{ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, partition: 0, leaderEpoch: -1, endOffset: -1 }] },
      ]);
    });

    it('runs preferred elections (v0 for every partition, v2 for named ones) with nothing to move on one broker', async () => {
      const all = await kafka.send(KafkaElectLeaders, 0, { electionType: 0, topicPartitions: null, timeoutMs: 10000 });
      expect(all, 'partitions that needed no election are left out').to.deep.equal({ throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [] });
      const named = await kafka.send(KafkaElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'admin-t', partitions: [0, 1] }], timeoutMs: 10000 });
      expect(named.errorCode).to.equal(0);
      expect(named.replicaElectionResults).to.have.length(1);
      expect(named.replicaElectionResults[0].partitionResult.map((p) => [p.partitionId, p.errorCode])).to.deep.equal([
        [0, ErrorCode.ELECTION_NOT_NEEDED.code], [1, ErrorCode.ELECTION_NOT_NEEDED.code],
      ]);
    });

    it('accepts a trivial reassignment and then lists none in progress', async () => {
      const altered = await kafka.send(KafkaAlterPartitionReassignments, 0, { timeoutMs: 10000, topics: [{ name: 'admin-t', partitions: [{ partitionIndex: 0, replicas: [BROKER_ID] }] }] });
      expect(altered).to.deep.equal({
        throttleTimeMs: 0, errorCode: 0, errorMessage: null,
        responses: [{ name: 'admin-t', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }],
      });
      await waitUntil('the reassignment to complete', async () => {
        const listed = await kafka.send(KafkaListPartitionReassignments, 0, { timeoutMs: 10000, topics: null });
        expect(listed).to.include({ errorCode: 0, errorMessage: null });
        return listed.topics.length === 0;
      });
      const one = await kafka.send(KafkaListPartitionReassignments, 0, { timeoutMs: 10000, topics: [{ name: 'admin-t', partitionIndexes: [0] }] });
      expect(one.topics).to.deep.equal([]);
    });
  });

  describe('topic deletion', () => {
    it('deletes by name at v6, answers UNKNOWN_TOPIC_ID for an id, and unknown names per topic at v0', async () => {
      const ID = '0123456789abcdef0123456789abcdef';
      const v6 = await kafka.send(KafkaDeleteTopics, 6, { topics: [{ name: 'old-style', topicId: ZERO_UUID }, { name: null, topicId: ID }], topicNames: [], timeoutMs: 10000 });
      expect(v6.responses).to.deep.equal([
        { name: 'old-style', topicId: ZERO_UUID, errorCode: 0, errorMessage: null },
        { name: null, topicId: ID, errorCode: ErrorCode.UNKNOWN_TOPIC_ID.code, errorMessage: null },
      ]);
      const v0 = await kafka.send(KafkaDeleteTopics, 0, { topics: [], topicNames: ['old-style', 'admin-t'], timeoutMs: 10000 });
      expect(v0.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([['old-style', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code], ['admin-t', 0]]);
    });

    it('refuses a topic named both by name and by id, in every entry', async () => {
      const both = await kafka.send(KafkaDeleteTopics, 6, {
        topics: [{ name: 'x', topicId: '0123456789abcdef0123456789abcdef' }, { name: 'y', topicId: ZERO_UUID }], topicNames: [], timeoutMs: 1000,
      });
      expect(both.responses.map((r) => r.errorCode)).to.deep.equal([ErrorCode.INVALID_REQUEST.code, ErrorCode.INVALID_REQUEST.code]);
    });
  });
});
