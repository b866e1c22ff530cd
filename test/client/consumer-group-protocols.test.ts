// The consumer's cooperative (KIP-429) and static (KIP-345) behaviour against the scripted coordinator.
import { expect } from 'chai';
import { Consumer, ConsumerOptions } from '../../lib/client/consumer';
import { decodeSubscription, encodeSubscription } from '../../lib/group/consumer-protocol';
import { Api, ApiDef } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { FakeCluster } from './fake-broker';
import { FakeGroupCoordinator } from './fake-group-coordinator';
import { FakeLog, serveLogs } from './fake-log';

async function pollFor(consumer: Consumer, what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await consumer.poll(20);
  }
}

describe('client/consumer group protocols (against a scripted coordinator)', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let group: FakeGroupCoordinator;
  const consumers: Consumer[] = [];

  function consumer(options: Partial<ConsumerOptions> = {}): Consumer {
    const c = new Consumer({
      bootstrapServers: cluster.bootstrap, groupId: 'g', retryBackoffMs: 10, fetchMaxWaitMs: 50,
      heartbeatIntervalMs: 30, sessionTimeoutMs: 6000, autoOffsetReset: 'earliest', ...options,
    });
    consumers.push(c);
    return c;
  }

  const requests = (api: ApiDef<any, any>): any[] => cluster.brokers.flatMap((b) => b.requestsFor(api));

  beforeEach(async () => {
    cluster = await FakeCluster.start(2);
    cluster.topics.set('t', [{ leader: 1 }, { leader: 2 }]);
    const logs = new Map([['t-0', new FakeLog()], ['t-1', new FakeLog()]]);
    logs.get('t-0')!.append(['a0', 'a1']);
    logs.get('t-1')!.append(['b0']);
    for (const b of cluster.brokers) serveLogs(b, logs);
    group = new FakeGroupCoordinator(cluster.brokers, cluster.broker(1));
  });

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close(2000);
    await cluster.stop();
  });

  it('revokes only what moves, rejoins at once, and hands the rest of the assignment over untouched', async () => {
    const events: string[] = [];
    const c = consumer({ partitionAssignmentStrategy: ['cooperative-sticky'] });
    c.subscribe(['t'], {
      onPartitionsRevoked: (tps) => { events.push(`revoked ${tps.map((tp) => tp.partition).join(',')}`); },
      onPartitionsAssigned: (tps) => { events.push(`assigned ${tps.map((tp) => tp.partition).join(',')}`); },
      onPartitionsLost: () => { events.push('lost'); },
    });
    await pollFor(c, 'both partitions', () => c.assignment().length === 2);
    // Another member appears; the leader (this consumer) must give it one partition.
    group.otherMembers = [{ memberId: 'other', metadata: encodeSubscription({ topics: ['t'] }) }];
    group.heartbeatErrors.push(ErrorCode.REBALANCE_IN_PROGRESS.code);
    await pollFor(c, 'the follow-up rebalance', () => requests(Api.JoinGroup).length === 4 && events.length === 4);
    expect(events[0]).to.equal('assigned 0,1');
    expect(events[1]).to.match(/^revoked [01]$/);
    expect(events.slice(2)).to.deep.equal(['assigned ', 'assigned ']);
    const moved = Number(events[1].split(' ')[1]);
    // Phase one withheld the moving partition from both; phase two gave it to the other member.
    expect(group.assignments.get('other')).to.deep.equal([{ topic: 't', partition: moved }]);
    expect(c.assignment()).to.deep.equal([{ topic: 't', partition: 1 - moved }]);
    const secondJoin = decodeSubscription(requests(Api.JoinGroup)[2].protocols[0].metadata);
    expect(secondJoin.ownedPartitions).to.have.length(2);
    expect(secondJoin.userData).to.deep.equal(Buffer.from([0, 0, 0, 1]));
    const thirdJoin = decodeSubscription(requests(Api.JoinGroup)[3].protocols[0].metadata);
    expect(thirdJoin.ownedPartitions).to.deep.equal([{ topic: 't', partition: 1 - moved }]);
  });

  it('stays eager when an eager-only assignor is listed too, owning nothing in the cooperative subscription', async () => {
    const events: string[] = [];
    const c = consumer({ partitionAssignmentStrategy: ['cooperative-sticky', 'range'] });
    c.subscribe(['t'], { onPartitionsRevoked: (tps) => { events.push(`revoked ${tps.length}`); } });
    await pollFor(c, 'both partitions', () => c.assignment().length === 2);
    group.heartbeatErrors.push(ErrorCode.REBALANCE_IN_PROGRESS.code);
    await pollFor(c, 'a rejoin', () => requests(Api.JoinGroup).length === 3 && c.assignment().length === 2);
    expect(events).to.deep.equal(['revoked 2']);
    const [cooperative, range] = requests(Api.JoinGroup)[2].protocols.map((p: { metadata: Buffer }) => decodeSubscription(p.metadata));
    expect(cooperative.ownedPartitions).to.deep.equal([]);
    expect(range.ownedPartitions).to.have.length(2);
  });

  it('sends its group.instance.id as a static member and never sends LeaveGroup', async () => {
    const c = consumer({ groupInstanceId: 'web-1' });
    c.subscribe(['t']);
    await pollFor(c, 'both partitions', () => c.assignment().length === 2);
    await pollFor(c, 'a heartbeat', () => requests(Api.Heartbeat).length > 0);
    expect(requests(Api.JoinGroup).every((j) => j.groupInstanceId === 'web-1')).to.equal(true);
    expect(requests(Api.SyncGroup)[0].groupInstanceId).to.equal('web-1');
    expect(requests(Api.Heartbeat)[0].groupInstanceId).to.equal('web-1');
    await c.close(2000);
    expect(requests(Api.LeaveGroup)).to.deep.equal([]);
    const dynamic = consumer();
    dynamic.subscribe(['t']);
    await pollFor(dynamic, 'both partitions', () => dynamic.assignment().length === 2);
    await dynamic.close(2000);
    expect(requests(Api.LeaveGroup)).to.have.length(1);
  });
});
