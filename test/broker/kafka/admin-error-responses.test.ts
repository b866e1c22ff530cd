import { expect } from 'chai';
import { ApiDispatcher } from '../../../lib/broker/api-dispatcher';
import { Handler } from '../../../lib/broker/request-context';
import { Api } from '../../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../../lib/protocol/errors';
import {
  KafkaCreatePartitions, KafkaCreateTopics, KafkaDeleteTopics, KafkaDescribeConfigs, ZERO_UUID,
} from '../../../lib/protocol/kafka/messages/admin';
import { KafkaInitProducerId } from '../../../lib/protocol/kafka/messages/producer-id';
import {
  KafkaAlterPartitionReassignments, KafkaElectLeaders, KafkaListPartitionReassignments, KafkaOffsetForLeaderEpoch,
} from '../../../lib/protocol/kafka/messages/replication';
import { getLogger } from '../../../lib/util/logger';
import { SocketServer } from '../../../lib/broker/socket-server';
import { kafkaCodecFactory } from '../../../lib/broker/kafka/kafka-handlers';
import { KafkaTestClient } from './kafka-test-client';

const FAILURE = ErrorCode.REQUEST_TIMED_OUT.code;

/**
 * Whole-request failures and Kafka-only error mappings, over native handlers that fail or answer
 * as told: every item of the Kafka answer carries the error, at every version the client speaks.
 */
describe('broker/kafka admin-handlers error responses', () => {
  const answers = new Map<number, (req: unknown) => unknown>();
  let server: SocketServer;
  let kafka: KafkaTestClient;

  before(async () => {
    const native = new ApiDispatcher();
    for (const def of Object.values(Api)) {
      native.register(def, ((req: unknown) => {
        const answer = answers.get(def.key);
        if (!answer) throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `${def.name} failed as a whole`);
        return answer(req);
      }) as Handler<unknown, unknown>);
    }
    const logger = getLogger('kafka-error-responses-test');
    server = new SocketServer(kafkaCodecFactory(native, logger, () => { throw new Error('no broker services in this test'); }), { listenerName: 'KAFKA', maxFrameBytes: 1 << 20, maxInFlightRequests: 4, logger }, logger);
    kafka = await KafkaTestClient.connect(await server.listen('127.0.0.1', 0));
  });

  afterEach(() => answers.clear());

  after(async () => {
    kafka?.close();
    await server?.shutdown(1000);
  });

  it('puts the error of a failed InitProducerId in its one error code', async () => {
    for (const version of [0, 2, 4]) {
      expect(await kafka.send(KafkaInitProducerId, version, { transactionalId: null, transactionTimeoutMs: 1, producerId: -1, producerEpoch: -1 }))
        .to.deep.equal({ throttleTimeMs: 0, errorCode: FAILURE, producerId: -1, producerEpoch: -1 });
    }
  });

  it('puts the error in every topic of CreateTopics, DeleteTopics and CreatePartitions', async () => {
    for (const version of [0, 4, 5, 7]) {
      const created = await kafka.send(KafkaCreateTopics, version, {
        topics: [{ name: 'a', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }, { name: 'b', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 1, validateOnly: false,
      });
      expect(created.topics.map((t) => [t.name, t.errorCode, t.numPartitions])).to.deep.equal([['a', FAILURE, -1], ['b', FAILURE, -1]]);
    }
    for (const version of [0, 3, 4, 6]) {
      const request = version >= 6
        ? { topics: [{ name: 'a', topicId: ZERO_UUID }], topicNames: [], timeoutMs: 1 }
        : { topics: [], topicNames: ['a'], timeoutMs: 1 };
      const deleted = await kafka.send(KafkaDeleteTopics, version, request);
      expect(deleted.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([['a', FAILURE]]);
    }
    for (const version of [0, 2, 3]) {
      const grown = await kafka.send(KafkaCreatePartitions, version, { topics: [{ name: 'a', count: 2, assignments: null }], timeoutMs: 1, validateOnly: false });
      expect(grown.results).to.deep.equal([{ name: 'a', errorCode: FAILURE, errorMessage: null }]);
    }
  });

  it('puts the error in every resource of DescribeConfigs', async () => {
    for (const version of [0, 1, 4]) {
      const described = await kafka.send(KafkaDescribeConfigs, version, {
        resources: [{ resourceType: 2, resourceName: 'a', configurationKeys: null }, { resourceType: 4, resourceName: '1', configurationKeys: null }],
        includeSynonyms: false, includeDocumentation: false,
      });
      expect(described.results.map((r) => [r.resourceType, r.resourceName, r.errorCode, r.configs.length])).to.deep.equal([[2, 'a', FAILURE, 0], [4, '1', FAILURE, 0]]);
    }
  });

  it('puts the error in every partition of OffsetForLeaderEpoch, ElectLeaders and AlterPartitionReassignments, and at the top where there is one', async () => {
    for (const version of [0, 2, 4]) {
      const epochs = await kafka.send(KafkaOffsetForLeaderEpoch, version, { replicaId: -1, topics: [{ name: 'a', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] });
      expect(epochs.topics).to.deep.equal([{ name: 'a', partitions: [{ errorCode: FAILURE, partition: 0, leaderEpoch: -1, endOffset: -1 }] }]);
    }
    for (const version of [0, 1, 2]) {
      const elected = await kafka.send(KafkaElectLeaders, version, { electionType: 0, topicPartitions: [{ topic: 'a', partitions: [0, 1] }], timeoutMs: 1 });
      expect(elected.errorCode).to.equal(version === 0 ? 0 : FAILURE);
      expect(elected.replicaElectionResults[0].partitionResult.map((p) => p.errorCode)).to.deep.equal([FAILURE, FAILURE]);
    }
    const altered = await kafka.send(KafkaAlterPartitionReassignments, 0, { timeoutMs: 1, topics: [{ name: 'a', partitions: [{ partitionIndex: 0, replicas: [1] }] }] });
    expect(altered).to.deep.include({ errorCode: FAILURE, responses: [{ name: 'a', partitions: [{ partitionIndex: 0, errorCode: FAILURE, errorMessage: null }] }] });
    const listed = await kafka.send(KafkaListPartitionReassignments, 0, { timeoutMs: 1, topics: null });
    expect(listed).to.deep.equal({ throttleTimeMs: 0, errorCode: FAILURE, errorMessage: null, topics: [] });
  });

  it('reports a controller\'s whole-request refusal of an election in every partition, which is all ElectLeaders v0 can carry', async () => {
    answers.set(Api.ElectLeaders.key, () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER.code, replicaElectionResults: [] }));
    const v0 = await kafka.send(KafkaElectLeaders, 0, { electionType: 0, topicPartitions: [{ topic: 'a', partitions: [3] }], timeoutMs: 1 });
    expect(v0.replicaElectionResults).to.deep.equal([{ topic: 'a', partitionResult: [{ partitionId: 3, errorCode: ErrorCode.NOT_CONTROLLER.code, errorMessage: null }] }]);
    const v2 = await kafka.send(KafkaElectLeaders, 2, { electionType: 0, topicPartitions: null, timeoutMs: 1 });
    expect(v2).to.deep.equal({ throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER.code, replicaElectionResults: [] });
  });

  it('answers disabled topic deletion with INVALID_REQUEST before v3 and TOPIC_DELETION_DISABLED from v3, as Kafka does', async () => {
    answers.set(Api.DeleteTopics.key, (req) => ({
      throttleTimeMs: 0,
      responses: (req as { topicNames: string[] }).topicNames.map((name) => ({ name, errorCode: ErrorCode.TOPIC_DELETION_DISABLED.code, errorMessage: 'off' })),
    }));
    const v2 = await kafka.send(KafkaDeleteTopics, 2, { topics: [], topicNames: ['a'], timeoutMs: 1 });
    expect(v2.responses[0].errorCode).to.equal(ErrorCode.INVALID_REQUEST.code);
    const v5 = await kafka.send(KafkaDeleteTopics, 5, { topics: [], topicNames: ['a'], timeoutMs: 1 });
    expect(v5.responses[0]).to.include({ errorCode: ErrorCode.TOPIC_DELETION_DISABLED.code, errorMessage: 'off' });
  });
});
