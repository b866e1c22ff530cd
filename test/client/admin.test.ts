import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Api } from '../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { CreateTopicsRequestData, DescribeConfigsRequestData } from '../../lib/protocol/messages/admin';
import { FakeCluster, NO_RESPONSE } from './fake-broker';

describe('client/admin', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let admin: Admin;

  beforeEach(async () => {
    cluster = await FakeCluster.start(2);
    cluster.topics.set('b-topic', [{ leader: 2, replicas: [2, 1] }, { leader: 1, replicas: [1, 2] }]);
    cluster.topics.set('a-topic', [{ leader: -1, replicas: [1] }]);
    admin = new Admin({ bootstrapServers: cluster.broker(1).address, requestTimeoutMs: 2000 });
  });

  afterEach(async () => {
    await admin.close();
    await cluster.stop();
  });

  it('sends CreateTopics with the spec and succeeds on no error', async () => {
    cluster.broker(1).on(Api.CreateTopics, (req) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 1 })),
    }));
    await admin.createTopic({ topic: 'new', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '1000' } }, { timeoutMs: 500 });
    await admin.createTopic({ topic: 'placed', replicaAssignment: { 1: [2], 0: [1] } });
    const [first, second] = cluster.broker(1).requestsFor(Api.CreateTopics) as CreateTopicsRequestData[];
    expect(first).to.deep.equal({
      topics: [{ name: 'new', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }],
      timeoutMs: 500,
      validateOnly: false,
    });
    expect(second.topics[0]).to.deep.include({ numPartitions: -1, replicationFactor: -1 });
    expect(second.topics[0].assignments).to.deep.equal([{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [2] }]);
  });

  it("raises the broker's message for a failed create, unless ifNotExists covers it", async () => {
    cluster.broker(1).on(Api.CreateTopics, (req) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name, errorCode: ErrorCode.TOPIC_ALREADY_EXISTS.code, errorMessage: `Topic '${t.name}' already exists.`, numPartitions: -1, replicationFactor: -1,
      })),
    }));
    const err = await admin.createTopic({ topic: 'foo' }).catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.errorName).to.equal('TOPIC_ALREADY_EXISTS');
    expect(err.message).to.equal("Topic 'foo' already exists.");
    await admin.createTopic({ topic: 'foo' }, { ifNotExists: true });
  });

  it('deletes topics, treating an unknown topic as success only with ifExists', async () => {
    cluster.broker(1).on(Api.DeleteTopics, (req) => ({
      throttleTimeMs: 0,
      responses: req.topicNames.map((name) => ({ name, errorCode: name === 'b-topic' ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, errorMessage: null })),
    }));
    await admin.deleteTopic('b-topic');
    await admin.deleteTopic('ghost', { ifExists: true });
    const err = await admin.deleteTopic('ghost').catch((e) => e);
    expect(err.errorName).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
    expect(err.message).to.equal("Topic 'ghost' does not exist.");
  });

  it('asks for the new total partition count and the new replicas', async () => {
    cluster.broker(1).on(Api.CreatePartitions, (req) => ({
      throttleTimeMs: 0,
      results: req.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS.code, errorMessage: 'Topic currently has 2 partitions, which is higher than the requested 1.' })),
    }));
    const err = await admin.createPartitions('b-topic', 1, { assignments: [[1, 2]] }).catch((e) => e);
    expect(err.errorName).to.equal('INVALID_PARTITIONS');
    expect(err.message).to.equal('Topic currently has 2 partitions, which is higher than the requested 1.');
    const req = cluster.broker(1).requestsFor(Api.CreatePartitions)[0];
    expect(req.topics).to.deep.equal([{ name: 'b-topic', count: 1, assignments: [{ brokerIds: [1, 2] }] }]);
  });

  it('lists topic names sorted', async () => {
    expect(await admin.listTopics()).to.deep.equal(['a-topic', 'b-topic']);
  });

  it('describes topics from Metadata plus their config overrides', async () => {
    cluster.broker(1).on(Api.DescribeConfigs, (req: DescribeConfigsRequestData) => ({
      throttleTimeMs: 0,
      results: req.resources.map((r) => ({
        errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName,
        configs: r.resourceName === 'b-topic'
          ? [{ name: 'cleanup.policy', value: 'compact', readOnly: false, isDefault: false }, { name: 'segment.bytes', value: '1', readOnly: false, isDefault: true }]
          : [],
      })),
    }));
    const all = await admin.describeTopics();
    expect(all.map((t) => t.name)).to.deep.equal(['a-topic', 'b-topic']);
    const [b] = await admin.describeTopics(['b-topic']);
    expect(b).to.deep.equal({
      name: 'b-topic', internal: false, configs: { 'cleanup.policy': 'compact' },
      partitions: [
        { partition: 0, leader: 2, leaderEpoch: 0, replicas: [2, 1], isr: [2, 1], offlineReplicas: [] },
        { partition: 1, leader: 1, leaderEpoch: 0, replicas: [1, 2], isr: [1, 2], offlineReplicas: [] },
      ],
    });
    expect(all[0].partitions[0].leader).to.equal(-1);
    const err = await admin.describeTopics(['b-topic', 'nope']).catch((e) => e);
    expect(err.errorName).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
    expect(err.message).to.equal("Topic 'nope' does not exist.");
  });

  it('describes the cluster', async () => {
    const cluster1 = await admin.describeCluster();
    expect(cluster1).to.deep.equal({
      clusterId: 'fake-cluster', controllerId: 1,
      brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: '127.0.0.1', port: b.port, rack: null })),
    });
  });

  it('looks offsets up at the partition leader', async () => {
    cluster.broker(2).on(Api.ListOffsets, (req) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1, leaderEpoch: 0, offset: p.timestamp === -2 ? 3 : p.timestamp === -1 ? 42 : 17,
      })) })),
    }));
    expect(await admin.listOffsets('b-topic', 0, 'earliest')).to.equal(3);
    expect(await admin.listOffsets('b-topic', 0, 'latest')).to.equal(42);
    expect(await admin.listOffsets('b-topic', 0, 1700000000000)).to.equal(17);
    expect(cluster.broker(2).requestsFor(Api.ListOffsets).map((r) => r.topics[0].partitions[0].timestamp)).to.deep.equal([-2, -1, 1700000000000]);
    const err = await admin.listOffsets('nope', 0, 'latest').catch((e) => e);
    expect(err.errorName).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('reconnects after the broker closes the connection', async () => {
    await admin.describeCluster();
    cluster.broker(1).dropConnections();
    await new Promise((r) => setTimeout(r, 20));
    expect((await admin.describeCluster()).brokers).to.have.length(2);
    expect(cluster.broker(1).connectionsAccepted).to.equal(2);
  });

  it('times out a request the broker never answers', async () => {
    cluster.broker(1).on(Api.CreateTopics, () => NO_RESPONSE);
    const quick = new Admin({ bootstrapServers: cluster.broker(1).address, requestTimeoutMs: 100 });
    try {
      const err = await quick.createTopic({ topic: 'slow' }, { timeoutMs: 50 }).catch((e) => e);
      expect(err.errorName).to.equal('REQUEST_TIMED_OUT');
    } finally {
      await quick.close();
    }
  });

  it('reports an unreachable cluster from connect()', async () => {
    await cluster.stop();
    const lonely = new Admin({ bootstrapServers: cluster.bootstrap, reconnectBackoffMs: 1, reconnectBackoffMaxMs: 5 });
    try {
      const err = await lonely.connect().catch((e) => e);
      expect(err.errorName).to.equal('NETWORK_EXCEPTION');
      expect(err.message).to.match(/Could not connect to any broker/);
    } finally {
      await lonely.close();
    }
    cluster = await FakeCluster.start(0);
  });
});
