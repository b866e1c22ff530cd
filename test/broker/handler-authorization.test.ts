import { expect } from 'chai';
import { authorize } from '../../lib/broker/authorize';
import { BrokerContext } from '../../lib/broker/broker-context';
import { createTopicsHandler, createPartitionsHandler, deleteTopicsHandler, describeConfigsHandler, DescribeConfigsSources } from '../../lib/broker/handlers/admin';
import { LogLevelControl } from '../../lib/broker/log-level-control';
import { controlledShutdownHandler } from '../../lib/broker/handlers/controlled-shutdown';
import { leaderAndIsrHandler, stopReplicaHandler, updateMetadataHandler } from '../../lib/broker/handlers/controller-requests';
import { electLeadersHandler } from '../../lib/broker/handlers/elect-leaders';
import { fetchHandler } from '../../lib/broker/handlers/fetch';
import { deleteGroupsHandler, describeGroupsHandler, listGroupsHandler } from '../../lib/broker/handlers/group-admin';
import { findCoordinatorHandler } from '../../lib/broker/handlers/group-find-coordinator';
import { heartbeatHandler, joinGroupHandler, leaveGroupHandler, syncGroupHandler } from '../../lib/broker/handlers/group-membership';
import { offsetCommitHandler, offsetDeleteHandler, offsetFetchHandler } from '../../lib/broker/handlers/group-offsets';
import { initProducerIdHandler } from '../../lib/broker/handlers/init-producer-id';
import { describeProducersHandler } from '../../lib/broker/handlers/describe-producers';
import { writeTxnMarkersHandler } from '../../lib/broker/handlers/write-txn-markers';
import { alterPartitionReassignmentsHandler, listPartitionReassignmentsHandler } from '../../lib/broker/handlers/partition-reassignments';
import { Handler, RequestContext } from '../../lib/broker/request-context';
import { ErrorCode } from '../../lib/protocol/errors';
import { AuthorizationRequest, Authorizer, ResourceTypeRequest } from '../../lib/security/acl/acl-types';
import { ConnectionSession } from '../../lib/security/session';
import { getLogger } from '../../lib/util/logger';

/** Denies everything and remembers what it was asked. */
class DenyAll implements Authorizer {
  readonly asked: string[] = [];
  authorize(r: AuthorizationRequest): boolean {
    this.asked.push(`${r.operation} ${r.resource.resourceType}:${r.resource.name} (${r.apiName})`);
    return false;
  }
  authorizeByResourceType(r: ResourceTypeRequest): boolean {
    this.asked.push(`${r.operation} any ${r.resourceType}`);
    return false;
  }
}

function rc(apiKey: number): RequestContext {
  return {
    header: { apiKey, apiVersion: 0, correlationId: 1, clientId: 'test' }, connectionId: 'c1', remoteAddress: '127.0.0.1:5000',
    listenerName: 'PLAINTEXT', session: new ConnectionSession('PLAINTEXT', 'PLAINTEXT', '127.0.0.1'),
  };
}

/** A context whose only service is the authorizer: a handler that touches anything else before checking fails the test. */
function denied(): { ctx: BrokerContext; authorizer: DenyAll } {
  const authorizer = new DenyAll();
  return { ctx: { authorizer } as unknown as BrokerContext, authorizer };
}

async function call<Req, Resp>(handler: Handler<Req, Resp>, req: unknown, apiKey: number): Promise<Resp> {
  return (await handler(req as Req, rc(apiKey))) as Resp;
}

const CLUSTER = ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code;
const GROUP = ErrorCode.GROUP_AUTHORIZATION_FAILED.code;
const TOPIC = ErrorCode.TOPIC_AUTHORIZATION_FAILED.code;
const NO_CONTROLLER = () => { throw new Error('the controller must not be asked'); };

describe('broker/handlers authorization (every check, before any work)', () => {
  it('allows everything without an authorizer, and names the API in what it asks', () => {
    expect(authorize({ authorizer: null }, rc(0), 'Write', 'Topic', 't')).to.equal(true);
    const { ctx, authorizer } = denied();
    expect(authorize(ctx, rc(0), 'Write', 'Topic', 't')).to.equal(false);
    expect(authorize(ctx, rc(47), 'Delete', 'Group', 'g')).to.equal(false);
    expect(authorizer.asked).to.deep.equal(['Write Topic:t (Produce)', 'Delete Group:g (OffsetDelete)']);
  });

  it('requires ClusterAction for the controller\'s requests and controlled shutdown', async () => {
    const { ctx, authorizer } = denied();
    const partition = { topicName: 't', partitionIndex: 0 };
    const base = { controllerId: 1, controllerEpoch: 1, brokerEpoch: 1 };
    expect(await call(leaderAndIsrHandler(ctx), { ...base, partitionStates: [{ ...partition }], liveLeaders: [] }, 4))
      .to.deep.equal({ errorCode: CLUSTER, partitionErrors: [{ ...partition, errorCode: CLUSTER }] });
    expect((await call(stopReplicaHandler(ctx), { ...base, deletePartitions: false, partitions: [partition] }, 5)).errorCode).to.equal(CLUSTER);
    expect(await call(updateMetadataHandler(ctx), { ...base, clusterId: null, partitionStates: [], liveBrokers: [] }, 6)).to.deep.equal({ errorCode: CLUSTER });
    expect((await call(controlledShutdownHandler(NO_CONTROLLER, ctx), { brokerId: 2, brokerEpoch: 1 }, 7)).errorCode).to.equal(CLUSTER);
    expect(authorizer.asked.every((a) => a.startsWith('ClusterAction Cluster:kafka-cluster'))).to.equal(true);
  });

  it('requires Alter on the Cluster for elections and reassignments, Describe to list reassignments', async () => {
    const { ctx, authorizer } = denied();
    const elect = await call(electLeadersHandler(NO_CONTROLLER, ctx), { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 }, 43);
    expect(elect.errorCode).to.equal(CLUSTER);
    expect(elect.replicaElectionResults[0].partitionResult[0].errorCode).to.equal(CLUSTER);
    expect((await call(alterPartitionReassignmentsHandler(NO_CONTROLLER, ctx), { timeoutMs: 1000, topics: [] }, 45)).errorCode).to.equal(CLUSTER);
    expect((await call(listPartitionReassignmentsHandler(NO_CONTROLLER, ctx), { timeoutMs: 1000, topics: null }, 46)).errorCode).to.equal(CLUSTER);
    expect(authorizer.asked).to.deep.equal([
      'Alter Cluster:kafka-cluster (ElectLeaders)', 'Alter Cluster:kafka-cluster (AlterPartitionReassignments)',
      'Describe Cluster:kafka-cluster (ListPartitionReassignments)',
    ]);
  });

  it('refuses an idempotent producer id without IdempotentWrite or Write on some topic', async () => {
    const { ctx, authorizer } = denied();
    const answer = await call(initProducerIdHandler(null as never, getLogger('test'), ctx), { transactionalId: null, transactionTimeoutMs: 1 }, 22);
    expect(answer.errorCode).to.equal(CLUSTER);
    expect(authorizer.asked).to.deep.equal(['IdempotentWrite Cluster:kafka-cluster (InitProducerId)', 'Write any Topic']);
  });

  it('answers a follower fetch without ClusterAction with TOPIC_AUTHORIZATION_FAILED on every partition, at once', async () => {
    const { ctx } = denied();
    const answer = await call(fetchHandler(ctx), {
      replicaId: 2, maxWaitMs: 500, minBytes: 1, maxBytes: 1000,
      topics: [{ name: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, partitionMaxBytes: 100 }, { partition: 1, currentLeaderEpoch: -1, fetchOffset: 0, partitionMaxBytes: 100 }] }],
    }, 1);
    expect(answer.topics).to.have.length(1);
    expect(answer.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode])).to.deep.equal([[0, TOPIC], [1, TOPIC]]);
  });

  it('requires Read on the group for membership and commits, Describe for FindCoordinator and OffsetFetch', async () => {
    const { ctx, authorizer } = denied();
    expect((await call(findCoordinatorHandler(ctx), { key: 'g', keyType: 0 }, 10)).errorCode).to.equal(GROUP);
    expect((await call(findCoordinatorHandler(ctx), { key: 'tx', keyType: 1 }, 10)).errorCode).to.equal(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
    expect((await call(joinGroupHandler(ctx), { groupId: 'g', memberId: '', protocols: [] }, 11)).errorCode).to.equal(GROUP);
    expect((await call(syncGroupHandler(ctx), { groupId: 'g' }, 14)).errorCode).to.equal(GROUP);
    expect((await call(heartbeatHandler(ctx), { groupId: 'g' }, 12)).errorCode).to.equal(GROUP);
    expect((await call(leaveGroupHandler(ctx), { groupId: 'g', members: [] }, 13)).errorCode).to.equal(GROUP);
    const committed = await call(offsetCommitHandler(ctx), { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] }, 8);
    expect(committed.topics[0].partitions[0].errorCode).to.equal(GROUP);
    expect((await call(offsetFetchHandler(ctx), { groupId: 'g', topics: null }, 9)).errorCode).to.equal(GROUP);
    expect(authorizer.asked).to.deep.equal([
      'Describe Group:g (FindCoordinator)', 'Describe TransactionalId:tx (FindCoordinator)', 'Read Group:g (JoinGroup)', 'Read Group:g (SyncGroup)',
      'Read Group:g (Heartbeat)', 'Read Group:g (LeaveGroup)', 'Read Group:g (OffsetCommit)', 'Describe Group:g (OffsetFetch)',
    ]);
  });

  it('checks topics before touching them: CreatePartitions, DeleteTopics, DescribeConfigs', async () => {
    const authorizer = new DenyAll();
    const deletedNames: string[][] = [];
    const ctx = { authorizer, topicAdmin: { deleteTopics: async (names: string[]) => { deletedNames.push(names); return []; } } } as unknown as BrokerContext;
    const parts = await call(createPartitionsHandler(ctx), { topics: [{ name: 't', count: 3, assignments: null }], timeoutMs: 1000, validateOnly: false }, 37);
    expect(parts.results).to.deep.equal([{ name: 't', errorCode: TOPIC, errorMessage: 'The topic authorization is failed.' }]);
    const deleted = await call(deleteTopicsHandler(ctx), { topicNames: ['t'], timeoutMs: 1000 }, 20);
    expect(deleted.responses).to.deep.equal([{ name: 't', errorCode: TOPIC, errorMessage: null }]);
    expect(deletedNames).to.deep.equal([[]]);
    const sources = { staticConfig: {}, perBroker: {}, clusterDefault: {}, logLevels: new LogLevelControl(() => 'info') } as unknown as DescribeConfigsSources;
    const described = await call(describeConfigsHandler(ctx, sources), { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }, { resourceType: 4, resourceName: '1', configurationKeys: null }] }, 32);
    expect(described.results.map((r) => r.errorCode)).to.deep.equal([TOPIC, CLUSTER]);
    expect(authorizer.asked).to.deep.equal([
      'Alter Topic:t (CreatePartitions)', 'Delete Topic:t (DeleteTopics)', 'DescribeConfigs Topic:t (DescribeConfigs)', 'DescribeConfigs Cluster:kafka-cluster (DescribeConfigs)',
    ]);
  });

  it('lists only the groups the principal may Describe unless it may Describe the Cluster, and refuses the others by name', async () => {
    const asked: string[] = [];
    const onlyGroupA: Authorizer = {
      authorize: (r) => { asked.push(`${r.operation} ${r.resource.resourceType}:${r.resource.name}`); return r.resource.resourceType === 'Group' && r.resource.name === 'a'; },
      authorizeByResourceType: () => false,
    };
    const listed = { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'a', protocolType: 'consumer', groupState: 'Stable' }, { groupId: 'b', protocolType: 'consumer', groupState: 'Stable' }] };
    const described = (ids: string[]) => ({ throttleTimeMs: 0, groups: ids.map((groupId) => ({ errorCode: 0, groupId, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', members: [] })) });
    const ctx = { authorizer: onlyGroupA, groups: { admin: { list: () => listed, describe: described, delete: async (ids: string[]) => ({ throttleTimeMs: 0, results: ids.map((groupId) => ({ groupId, errorCode: 0 })) }) } } } as unknown as BrokerContext;
    expect((await call(listGroupsHandler(ctx), { statesFilter: [] }, 16)).groups.map((g) => g.groupId)).to.deep.equal(['a']);
    const d = await call(describeGroupsHandler(ctx), { groups: ['b', 'a'] }, 15);
    expect(d.groups.map((g) => [g.groupId, g.errorCode, g.groupState])).to.deep.equal([['b', GROUP, ''], ['a', 0, 'Stable']]);
    const del = await call(deleteGroupsHandler(ctx), { groupsNames: ['a', 'b'] }, 42);
    expect(del.results).to.deep.equal([{ groupId: 'a', errorCode: 0 }, { groupId: 'b', errorCode: GROUP }]);
    expect(asked[0]).to.equal('Describe Cluster:kafka-cluster');
  });

  it('creates topics with Create on the Cluster, leaving out the configs of topics the principal may not DescribeConfigs', async () => {
    const createOnly: Authorizer = { authorize: (r) => r.operation === 'Create' && r.resource.resourceType === 'Cluster', authorizeByResourceType: () => false };
    const created: string[] = [];
    const ctx = {
      authorizer: createOnly,
      topicAdmin: { createTopics: async (req: { topics: Array<{ name: string }> }) => req.topics.map((t) => { created.push(t.name); return { name: t.name, errorCode: 0, errorMessage: null, numPartitions: 1, replicationFactor: 1 }; }) },
    } as unknown as BrokerContext;
    const answer = await call(createTopicsHandler(ctx), { topics: [{ name: 'n', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false }, 19);
    expect(created).to.deep.equal(['n']);
    expect(answer.topics[0]).to.include({ errorCode: 0, topicConfigErrorCode: TOPIC });
    expect(answer.topics[0].configs).to.deep.equal([]);
    const noCreate = { authorizer: new DenyAll(), topicAdmin: { createTopics: async () => [] } } as unknown as BrokerContext;
    const refused = await call(createTopicsHandler(noCreate), { topics: [{ name: 'm', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false }, 19);
    expect(refused.topics[0]).to.include({ name: 'm', errorCode: TOPIC, errorMessage: 'Authorization failed.' });
  });

  it('checks Delete on the group, then Read on each topic, for OffsetDelete', async () => {
    const deleted: string[] = [];
    const offsets = { delete: async (_g: string, topics: ReadonlyArray<{ name: string }>) => { deleted.push(...topics.map((t) => t.name)); return { errorCode: 0, topics: topics.map((t) => ({ name: t.name, partitions: [{ partitionIndex: 0, errorCode: 0 }] })) }; } };
    const topics = [{ name: 'readable', partitions: [{ partitionIndex: 0 }] }, { name: 'secret', partitions: [{ partitionIndex: 0 }] }];
    const build = (authorizer: Authorizer) => offsetDeleteHandler({ authorizer, groups: { offsets } } as unknown as BrokerContext);
    const noGroup = await call(build(new DenyAll()), { groupId: 'g', topics }, 47);
    expect(noGroup.errorCode).to.equal(GROUP);
    expect(deleted).to.deep.equal([]);
    const some: Authorizer = { authorize: (r) => r.resource.resourceType === 'Group' || r.resource.name === 'readable', authorizeByResourceType: () => false };
    const answer = await call(build(some), { groupId: 'g', topics }, 47);
    expect(deleted).to.deep.equal(['readable']);
    expect(answer.topics.map((t) => [t.name, t.partitions[0].errorCode])).to.deep.equal([['readable', 0], ['secret', TOPIC]]);
  });

  it('requires ClusterAction for WriteTxnMarkers and Read on each topic for DescribeProducers', async () => {
    const { ctx, authorizer } = denied();
    const markers = await call(writeTxnMarkersHandler(ctx), {
      markers: [{ producerId: 5, producerEpoch: 0, transactionResult: true, topics: [{ name: 't', partitionIndexes: [0, 1] }], coordinatorEpoch: 0 }],
    }, 27);
    expect(markers.markers[0].topics[0].partitions).to.deep.equal([{ partitionIndex: 0, errorCode: CLUSTER }, { partitionIndex: 1, errorCode: CLUSTER }]);
    const producers = await call(describeProducersHandler(ctx), { topics: [{ name: 't', partitionIndexes: [0] }] }, 61);
    expect(producers.topics[0].partitions[0]).to.include({ partitionIndex: 0, errorCode: TOPIC });
    expect(authorizer.asked).to.deep.equal(['ClusterAction Cluster:kafka-cluster (WriteTxnMarkers)', 'Read Topic:t (DescribeProducers)']);
  });
});
