import { expect } from 'chai';
import { ControllerContext } from '../../lib/controller/controller-context';
import { buildLeaderAndIsr, buildStopReplica, buildUpdateMetadata, partitionsByReplica } from '../../lib/controller/controller-requests';

function cluster(): ControllerContext {
  const ctx = new ControllerContext();
  ctx.clusterId = 'cluster-1';
  for (const id of [1, 2, 3]) {
    const endpoints = [{ listenerName: 'INTERNAL', host: `h${id}`, port: 9000 + id }, { listenerName: 'EXTERNAL', host: `pub${id}`, port: 19000 + id }];
    ctx.liveBrokers.set(id, { id, host: `h${id}`, port: 9000 + id, endpoints, rack: null, epoch: 100 + id });
  }
  ctx.setAssignment('a', new Map([[0, [1, 2]], [1, [2, 3]]]));
  ctx.setAssignment('b', new Map([[0, [3]]]));
  ctx.setState({ topic: 'a', partition: 0 }, { leader: 1, leaderEpoch: 2, isr: [1, 2], controllerEpoch: 4, zkVersion: 7 });
  ctx.setState({ topic: 'a', partition: 1 }, { leader: 2, leaderEpoch: 0, isr: [2, 3], controllerEpoch: 4, zkVersion: 0 });
  return ctx;
}

const sender = { controllerId: 1, controllerEpoch: 5 };

describe('controller/controller-requests', () => {
  it('sends a broker LeaderAndIsr for only the partitions it replicates, with their leaders', () => {
    const ctx = cluster();
    const req = buildLeaderAndIsr(ctx, sender, 3, ctx.allPartitions(), new Set(['a:1']));
    expect(req).to.deep.include({ controllerId: 1, controllerEpoch: 5, brokerEpoch: 103 });
    expect(req.partitionStates).to.deep.equal([{
      topicName: 'a', partitionIndex: 1, controllerEpoch: 4, leader: 2, leaderEpoch: 0, isr: [2, 3], zkVersion: 0, replicas: [2, 3], isNew: true,
    }]);
    expect(req.liveLeaders).to.deep.equal([{ id: 2, host: 'h2', port: 9002, rack: null }]);
  });

  it('puts every partition of every topic and every live broker in UpdateMetadata', () => {
    const ctx = cluster();
    const req = buildUpdateMetadata(ctx, sender, 2);
    expect(req.clusterId).to.equal('cluster-1');
    expect(req.brokerEpoch).to.equal(102);
    expect(req.liveBrokers.map((b) => b.id)).to.deep.equal([1, 2, 3]);
    expect(req.partitionStates.map((p) => `${p.topicName}-${p.partitionIndex}:${p.leader}`)).to.deep.equal(['a-0:1', 'a-1:2', 'b-0:-1']);
  });

  it('lists every advertised endpoint of each live broker in UpdateMetadata, and only the inter-broker one for leaders', () => {
    const ctx = cluster();
    const req = buildUpdateMetadata(ctx, sender, 2);
    expect(req.liveBrokers[0]).to.deep.equal({
      id: 1, host: 'h1', port: 9001, rack: null,
      endpoints: [{ listenerName: 'INTERNAL', host: 'h1', port: 9001 }, { listenerName: 'EXTERNAL', host: 'pub1', port: 19001 }],
    });
    const leaders = buildLeaderAndIsr(ctx, sender, 2, ctx.allPartitions()).liveLeaders;
    expect(leaders.map((b) => Object.keys(b).sort())).to.deep.equal([['host', 'id', 'port', 'rack'], ['host', 'id', 'port', 'rack']]);
  });

  it('shows no leader for partitions of a topic being deleted', () => {
    const ctx = cluster();
    ctx.topicsToDelete.set('a', new Set([1, 2, 3]));
    const req = buildUpdateMetadata(ctx, sender, 1);
    expect(req.partitionStates.filter((p) => p.topicName === 'a').map((p) => p.leader)).to.deep.equal([-1, -1]);
  });

  it('builds StopReplica with the partitions and the target broker epoch', () => {
    const ctx = cluster();
    const req = buildStopReplica(ctx, sender, 2, [{ topic: 'a', partition: 0 }], true);
    expect(req).to.deep.equal({ controllerId: 1, controllerEpoch: 5, brokerEpoch: 102, deletePartitions: true, partitions: [{ topicName: 'a', partitionIndex: 0 }] });
  });

  it('groups partitions by registered replica', () => {
    const ctx = cluster();
    ctx.liveBrokers.delete(3);
    const grouped = partitionsByReplica(ctx, ctx.allPartitions());
    expect([...grouped.keys()].sort()).to.deep.equal([1, 2]);
    expect(grouped.get(2)!.map((tp) => `${tp.topic}-${tp.partition}`)).to.deep.equal(['a-0', 'a-1']);
  });
});
