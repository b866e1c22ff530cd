import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { FakeCluster } from './fake-broker';

/** Admin requests only the controller serves: ElectLeaders and the reassignment APIs. */
describe('client/admin controller requests', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let admin: Admin;
  let controllerId: number;

  beforeEach(async () => {
    cluster = await FakeCluster.start(2);
    controllerId = 1;
    for (const b of cluster.brokers) b.on(Api.Metadata, (req) => ({ ...cluster.metadata(req.topics), controllerId }));
    admin = new Admin({ bootstrapServers: cluster.broker(2).address, requestTimeoutMs: 3000, retryBackoffMs: 10 });
  });

  afterEach(async () => {
    await admin.close();
    await cluster.stop();
  });

  it('sends ElectLeaders to the controller Metadata names, not to the bootstrap broker', async () => {
    cluster.broker(1).on(Api.ElectLeaders, () => ({
      throttleTimeMs: 0, errorCode: 0,
      replicaElectionResults: [{ topic: 't', partitionResult: [
        { partitionId: 0, errorCode: 0, errorMessage: null },
        { partitionId: 1, errorCode: ErrorCode.ELECTION_NOT_NEEDED.code, errorMessage: null },
      ] }],
    }));
    const results = await admin.electLeaders('preferred', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }], { timeoutMs: 500 });
    expect(cluster.broker(1).requestsFor(Api.ElectLeaders)).to.deep.equal([
      { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 1] }], timeoutMs: 500 },
    ]);
    expect(results.map((r) => [r.topic, r.partition, r.error?.errorName ?? null])).to.deep.equal([['t', 0, null], ['t', 1, 'ELECTION_NOT_NEEDED']]);
  });

  it('follows the controller when the one it asked answers NOT_CONTROLLER', async () => {
    cluster.broker(1).on(Api.ListPartitionReassignments, () => {
      controllerId = 2;
      return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER.code, errorMessage: null, topics: [] };
    });
    cluster.broker(2).on(Api.ListPartitionReassignments, () => ({
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      topics: [{ name: 'b', partitions: [{ partitionIndex: 1, replicas: [1, 2], addingReplicas: [2], removingReplicas: [] }] },
        { name: 'a', partitions: [{ partitionIndex: 0, replicas: [2], addingReplicas: [], removingReplicas: [] }] }],
    }));
    const ongoing = await admin.listPartitionReassignments(null);
    expect(cluster.broker(1).requestsFor(Api.ListPartitionReassignments)).to.have.length(1);
    expect(cluster.broker(2).requestsFor(Api.ListPartitionReassignments)).to.deep.equal([{ timeoutMs: 3000, topics: null }]);
    expect(ongoing.map((r) => `${r.topic}-${r.partition}`)).to.deep.equal(['a-0', 'b-1']);
  });

  it('gives up with NOT_CONTROLLER once the request timeout has passed', async () => {
    cluster.broker(1).on(Api.AlterPartitionReassignments, () => ({
      throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER.code, errorMessage: null, responses: [],
    }));
    const started = Date.now();
    const err = await admin.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: [2] }]).then(() => null, (e: unknown) => e);
    expect(err).to.have.property('errorName', 'NOT_CONTROLLER');
    // Retried with backoff (at most 1 s apart) until the next attempt would pass the 3 s timeout.
    expect(Date.now() - started).to.be.within(1500, 10000);
    expect(cluster.broker(1).requestsFor(Api.AlterPartitionReassignments).length).to.be.above(2);
  });

  it('sends a cancellation as a null replica list and reports per-partition errors', async () => {
    cluster.broker(1).on(Api.AlterPartitionReassignments, (req) => ({
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      responses: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: p.replicas === null ? ErrorCode.NO_REASSIGNMENT_IN_PROGRESS.code : 0,
        errorMessage: p.replicas === null ? 'No reassignment in progress for t-1.' : null,
      })) })),
    }));
    const results = await admin.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: [2, 1] }, { topic: 't', partition: 1, replicas: null }]);
    expect(cluster.broker(1).requestsFor(Api.AlterPartitionReassignments)[0].topics).to.deep.equal([
      { name: 't', partitions: [{ partitionIndex: 0, replicas: [2, 1] }, { partitionIndex: 1, replicas: null }] },
    ]);
    expect(results[0].error).to.equal(null);
    expect(results[1].error?.message).to.equal('No reassignment in progress for t-1.');
  });
});
