/**
 * Kafka's administration and replication APIs over the native handlers: InitProducerId,
 * CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, OffsetForLeaderEpoch,
 * ElectLeaders and the two reassignment APIs. The native handlers do the work; this module maps
 * what only Kafka has (topic ids, version-dependent error codes, KIP-360 producer ids) and gives
 * each API its whole-request error response (the error in every item).
 */
import { Api } from '../../protocol/api';
import { ErrorCode } from '../../protocol/errors';
import {
  KafkaCreatePartitions, KafkaCreateTopics, KafkaDeleteTopics, KafkaDeleteTopicsRequestData, KafkaDeleteTopicsResponseData,
  KafkaDescribeConfigs, ZERO_UUID,
} from '../../protocol/kafka/messages/admin';
import { KafkaInitProducerId } from '../../protocol/kafka/messages/producer-id';
import {
  KafkaAlterPartitionReassignments, KafkaElectLeaders, KafkaElectLeadersRequestData, KafkaElectLeadersResponseData,
  KafkaListPartitionReassignments, KafkaOffsetForLeaderEpoch,
} from '../../protocol/kafka/messages/replication';
import { CreateTopicsRequestData, DeleteTopicsRequestData, DeleteTopicsResponseData } from '../../protocol/messages/admin';
import { ApiDispatcher } from '../api-dispatcher';
import { authorize } from '../authorize';
import { InitProducerIdServices } from '../handlers/init-producer-id';
import { PRODUCER_FENCED_SINCE } from '../../protocol/kafka/messages/txn-coordinator';
import { fencedErrorFor } from './txn-coordinator-handlers';
import { CreateTopicsAnswer, DescribeConfigsAnswer, DescribeConfigsQuery } from '../handlers/admin';
import { Handler, RequestContext } from '../request-context';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

/** replicaId of a consumer's request (Kafka's CONSUMER_REPLICA_ID). */
const CONSUMER_REPLICA_ID = -1;
/** Before v3, Kafka refused DeleteTopics with delete.topic.enable=false as INVALID_REQUEST. */
const TOPIC_DELETION_DISABLED_SINCE = 3;

export function registerAdminApis(kafka: KafkaDispatcher, native: ApiDispatcher, access: InitProducerIdServices): void {
  registerInitProducerId(kafka, native, access);
  registerTopicAdmin(kafka, native);
  registerReplicationApis(kafka, native);
}

function registerInitProducerId(kafka: KafkaDispatcher, native: ApiDispatcher, services: InitProducerIdServices): void {
  const initProducerId = nativeHandler(native, Api.InitProducerId);
  const failure = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  kafka.register(KafkaInitProducerId, async (req, ctx) => {
    // Kafka's own check (KIP-360): an id without an epoch, or an epoch without an id, is malformed.
    if ((req.producerId === -1) !== (req.producerEpoch === -1)) return failure(ErrorCode.INVALID_REQUEST.code);
    const fenced = (answer: { errorCode: number; producerId: number; producerEpoch: number }) => ({
      throttleTimeMs: 0, ...answer, errorCode: fencedErrorFor(answer.errorCode, ctx.header.apiVersion, PRODUCER_FENCED_SINCE.InitProducerId),
    });
    if (req.transactionalId !== null && req.producerId !== -1) {
      // KIP-360: a transactional producer names its current id and epoch, which the native request cannot carry.
      if (!authorize(services, ctx, 'Write', 'TransactionalId', req.transactionalId)) return failure(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
      if (!services.transactions) return failure(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
      return fenced(await services.transactions.ops.initProducerId(req.transactionalId, req.transactionTimeoutMs, req.producerId, req.producerEpoch));
    }
    // With no transactional id Kafka ignores the producer's current id and epoch (v3+) and hands out
    // a fresh id at epoch 0; the idempotent producer then resets its sequences, as here.
    return fenced(await callNative(initProducerId, { transactionalId: req.transactionalId, transactionTimeoutMs: req.transactionTimeoutMs }, ctx));
  }, (_req, errorCode) => failure(errorCode));
}

function registerTopicAdmin(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  // The native handlers registered for these keys are handlers/admin.ts's, which also fill the
  // fields only Kafka's later versions carry (each config's source and synonyms, created topics' configs).
  const createTopics = nativeHandler(native, Api.CreateTopics) as Handler<CreateTopicsRequestData, CreateTopicsAnswer>;
  const describeConfigs = nativeHandler(native, Api.DescribeConfigs) as Handler<DescribeConfigsQuery, DescribeConfigsAnswer>;
  const createPartitions = nativeHandler(native, Api.CreatePartitions);
  const deleteTopics = nativeHandler(native, Api.DeleteTopics);

  kafka
    .register(KafkaCreateTopics, async (req, ctx) => {
      const answer = await callNative(createTopics, req, ctx);
      return { throttleTimeMs: 0, topics: answer.topics.map((t) => ({ ...t, topicId: ZERO_UUID, topicConfigErrorCode: t.topicConfigErrorCode ?? 0 })) };
    }, (req, errorCode) => ({
      throttleTimeMs: 0,
      topics: req.topics.map(({ name }) => ({
        name, topicId: ZERO_UUID, errorCode, errorMessage: null, numPartitions: -1, replicationFactor: -1, configs: [], topicConfigErrorCode: 0,
      })),
    }))
    .register(KafkaDeleteTopics, (req, ctx) => deleteTopicsByNameOrId(deleteTopics, req, ctx), deleteTopicsError)
    .register(KafkaCreatePartitions, (req, ctx) => callNative(createPartitions, req, ctx), (req, errorCode) => ({
      throttleTimeMs: 0,
      results: req.topics.map(({ name }) => ({ name, errorCode, errorMessage: null })),
    }))
    .register(KafkaDescribeConfigs, (req, ctx) => callNative(describeConfigs, {
      // Kafka lists every key for an empty list of keys, as for null.
      resources: req.resources.map((r) => ({ ...r, configurationKeys: r.configurationKeys?.length ? r.configurationKeys : null })),
      includeSynonyms: req.includeSynonyms,
      includeDocumentation: req.includeDocumentation,
    }, ctx), (req, errorCode) => ({
      throttleTimeMs: 0,
      results: req.resources.map(({ resourceType, resourceName }) => ({ errorCode, errorMessage: null, resourceType, resourceName, configs: [] })),
    }));
}

type DeletableTopicResult = KafkaDeleteTopicsResponseData['responses'][number];

/** v0-5 name topics; v6 names or topic ids, one of the two per entry (the other one null or zero). */
function topicsToDelete(req: KafkaDeleteTopicsRequestData): Array<{ name: string | null; topicId: string }> {
  return [...req.topicNames.map((name) => ({ name, topicId: ZERO_UUID })), ...req.topics];
}

async function deleteTopicsByNameOrId(deleteTopics: Handler<DeleteTopicsRequestData, DeleteTopicsResponseData>, req: KafkaDeleteTopicsRequestData, ctx: RequestContext): Promise<KafkaDeleteTopicsResponseData> {
  const version = ctx.header.apiVersion;
  const entries = topicsToDelete(req);
  // Kafka refuses the whole request when an entry names a topic both ways.
  if (entries.some((t) => t.name !== null && t.topicId !== ZERO_UUID)) return deleteTopicsError(req, ErrorCode.INVALID_REQUEST.code);
  const names = entries.flatMap((t) => (t.name === null ? [] : [t.name]));
  const answer = names.length === 0 ? { responses: [] } : await callNative(deleteTopics, { topicNames: names, timeoutMs: req.timeoutMs }, ctx);
  let next = 0;
  const responses = entries.map(({ name, topicId }): DeletableTopicResult => {
    if (name === null) {
      // Samsa topics have no ids yet, so no id names a topic.
      return topicId === ZERO_UUID
        ? { name, topicId, errorCode: ErrorCode.INVALID_REQUEST.code, errorMessage: 'Neither topic name nor id were specified.' }
        : { name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID.code, errorMessage: null };
    }
    const result = answer.responses[next++];
    const disabledAsInvalid = result.errorCode === ErrorCode.TOPIC_DELETION_DISABLED.code && version < TOPIC_DELETION_DISABLED_SINCE;
    return { ...result, topicId, errorCode: disabledAsInvalid ? ErrorCode.INVALID_REQUEST.code : result.errorCode };
  });
  return { throttleTimeMs: 0, responses };
}

function deleteTopicsError(req: KafkaDeleteTopicsRequestData, errorCode: number): KafkaDeleteTopicsResponseData {
  return { throttleTimeMs: 0, responses: topicsToDelete(req).map(({ name, topicId }) => ({ name, topicId, errorCode, errorMessage: null })) };
}

function registerReplicationApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const offsetForLeaderEpoch = nativeHandler(native, Api.OffsetForLeaderEpoch);
  const electLeaders = nativeHandler(native, Api.ElectLeaders);
  const alterReassignments = nativeHandler(native, Api.AlterPartitionReassignments);
  const listReassignments = nativeHandler(native, Api.ListPartitionReassignments);

  kafka
    // Kafka's broker answers the same whatever replicaId says (a follower's id or a consumer's -1/-2);
    // on this listener every caller is a client, so the native handler sees a consumer.
    .register(KafkaOffsetForLeaderEpoch, (req, ctx) => callNative(offsetForLeaderEpoch, { replicaId: CONSUMER_REPLICA_ID, topics: req.topics }, ctx),
      (req, errorCode) => ({
        throttleTimeMs: 0,
        topics: req.topics.map(({ name, partitions }) => ({
          name, partitions: partitions.map(({ partition }) => ({ errorCode, partition, leaderEpoch: -1, endOffset: -1 })),
        })),
      }))
    .register(KafkaElectLeaders, async (req, ctx) => electionAnswer(req, await callNative(electLeaders, req, ctx)), electLeadersError)
    .register(KafkaAlterPartitionReassignments, (req, ctx) => callNative(alterReassignments, req, ctx), (req, errorCode) => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage: null,
      responses: req.topics.map(({ name, partitions }) => ({
        name, partitions: partitions.map(({ partitionIndex }) => ({ partitionIndex, errorCode, errorMessage: null })),
      })),
    }))
    .register(KafkaListPartitionReassignments, (req, ctx) => callNative(listReassignments, req, ctx),
      (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, errorMessage: null, topics: [] }));
}

/**
 * Kafka's shape of an election answer: an error for the whole request (NOT_CONTROLLER, a timeout)
 * is also reported for every partition asked for, since v0 has no top-level error code; and when
 * every partition was asked for, those that needed no election are left out.
 */
function electionAnswer(req: KafkaElectLeadersRequestData, answer: KafkaElectLeadersResponseData): KafkaElectLeadersResponseData {
  if (answer.errorCode !== 0 && answer.replicaElectionResults.length === 0) return electLeadersError(req, answer.errorCode);
  if (req.topicPartitions !== null) return answer;
  const replicaElectionResults = answer.replicaElectionResults
    .map((t) => ({ ...t, partitionResult: t.partitionResult.filter((p) => p.errorCode !== ErrorCode.ELECTION_NOT_NEEDED.code) }))
    .filter((t) => t.partitionResult.length > 0);
  return { ...answer, replicaElectionResults };
}

function electLeadersError(req: KafkaElectLeadersRequestData, errorCode: number): KafkaElectLeadersResponseData {
  return {
    throttleTimeMs: 0,
    errorCode,
    replicaElectionResults: (req.topicPartitions ?? []).map(({ topic, partitions }) => ({
      topic, partitionResult: partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage: null })),
    })),
  };
}
