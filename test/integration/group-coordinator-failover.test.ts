import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Connection } from '../../lib/client/connection';
import { encodeSubscription } from '../../lib/group/consumer-protocol';
import { Api } from '../../lib/protocol/api';
import { ErrorCode as E } from '../../lib/protocol/errors';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const OVERRIDES = {
  'offsets.topic.num.partitions': 2,
  'offsets.topic.replication.factor': 2,
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 500,
  'default.replication.factor': 2,
};

describe('integration/group-coordinator-failover', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  const brokers = new Map<number, Broker>();
  const connections: Connection[] = [];

  const connect = (id: number) => {
    const conn = new Connection({ host: '127.0.0.1', port: brokers.get(id)!.port, clientId: 'failover-test' });
    connections.push(conn);
    return conn;
  };

  async function coordinator(conn: Connection, groupId: string): Promise<number> {
    let nodeId = -1;
    await waitUntil(`a coordinator for ${groupId}`, async () => {
      const r = await conn.send(Api.FindCoordinator, { key: groupId, keyType: 0 });
      nodeId = r.nodeId;
      return r.errorCode === 0;
    }, 30000, 100);
    return nodeId;
  }

  before(async () => {
    zk = await startTestZooKeeper();
    for (const id of [1, 2]) brokers.set(id, await startBroker({ brokerId: id, zkConnect: zk.connectString, overrides: OVERRIDES }));
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${brokers.get(1)!.port}` });
    await admin.createTopic({ topic: 'events', numPartitions: 2, replicationFactor: 2 });
    await admin.close();
  });

  after(async () => {
    for (const c of connections) c.close();
    for (const b of brokers.values()) await b.shutdown();
    await zk?.stop();
  });

  it('moves the group and its committed offsets to the new leader of the offsets partition', async () => {
    const any = connect(1);
    const first = await coordinator(any, 'movers');
    const other = first === 1 ? 2 : 1;
    const conn = connect(first);
    // The broker that does not lead the group's partition turns members away.
    const elsewhere = await connect(other).send(Api.Heartbeat, { groupId: 'movers', generationId: 1, memberId: 'x', groupInstanceId: null });
    expect(elsewhere.errorCode).to.equal(E.NOT_COORDINATOR.code);

    const join = (memberId: string, c: Connection) => c.send(Api.JoinGroup, {
      groupId: 'movers', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId, groupInstanceId: null, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['events'] }) }],
    });
    let memberId = '';
    await waitUntil('the coordinator to load', async () => {
      const r = await join('', conn);
      memberId = r.memberId;
      return r.errorCode === E.MEMBER_ID_REQUIRED.code;
    }, 20000, 50);
    const joined = await join(memberId, conn);
    expect(joined.errorCode).to.equal(0);
    const synced = await conn.send(Api.SyncGroup, { groupId: 'movers', generationId: joined.generationId, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId, assignment: Buffer.from('all') }] });
    expect(synced.errorCode).to.equal(0);
    const commit = await conn.send(Api.OffsetCommit, {
      groupId: 'movers', generationId: joined.generationId, memberId, groupInstanceId: null,
      topics: [{ name: 'events', partitions: [{ partitionIndex: 1, committedOffset: 77, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(commit.topics[0].partitions[0].errorCode).to.equal(0);

    await brokers.get(first)!.shutdown();
    brokers.delete(first);
    const survivor = connect(other);
    expect(await coordinator(survivor, 'movers')).to.equal(other);
    const fetchOffsets = () => survivor.send(Api.OffsetFetch, { groupId: 'movers', topics: null, requireStable: false });
    let fetched = await fetchOffsets();
    await waitUntil('the new coordinator to load', async () => {
      fetched = await fetchOffsets();
      return fetched.errorCode !== E.COORDINATOR_LOAD_IN_PROGRESS.code;
    }, 20000, 50);
    expect(fetched.errorCode).to.equal(0);
    expect(fetched.topics[0].partitions[0].committedOffset).to.equal(77);
    // The member carries on with the same id and generation against the new coordinator.
    const hb = await survivor.send(Api.Heartbeat, { groupId: 'movers', generationId: joined.generationId, memberId, groupInstanceId: null });
    expect(hb.errorCode).to.equal(0);
  });
});
