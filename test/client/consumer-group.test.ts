import { expect } from 'chai';
import { Consumer, ConsumerOptions, ConsumerRecord, TopicPartition } from '../../lib/client/consumer';
import { decodeSubscription, encodeSubscription } from '../../lib/group/consumer-protocol';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { FakeCluster } from './fake-broker';
import { FakeGroupCoordinator } from './fake-group-coordinator';
import { FakeLog, serveLogs } from './fake-log';
import { waitUntil } from '../helpers/wait';

async function pollUntil(consumer: Consumer, count: number, timeoutMs = 5000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...await consumer.poll(50));
  return out;
}

async function pollFor(consumer: Consumer, what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await consumer.poll(20);
  }
}

const values = (records: ConsumerRecord[]): string[] => records.map((r) => r.value!.toString());

describe('client/consumer groups (against a scripted coordinator)', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let group: FakeGroupCoordinator;
  let logs: Map<string, FakeLog>;
  const consumers: Consumer[] = [];

  function consumer(options: Partial<ConsumerOptions> = {}): Consumer {
    const c = new Consumer({
      bootstrapServers: cluster.bootstrap, groupId: 'g', retryBackoffMs: 10, fetchMaxWaitMs: 50,
      heartbeatIntervalMs: 30, sessionTimeoutMs: 6000, autoOffsetReset: 'earliest', ...options,
    });
    consumers.push(c);
    return c;
  }

  const joins = (): any[] => cluster.brokers.flatMap((b) => b.requestsFor(Api.JoinGroup));
  const commits = (): any[] => cluster.brokers.flatMap((b) => b.requestsFor(Api.OffsetCommit));
  const leaves = (): any[] => cluster.brokers.flatMap((b) => b.requestsFor(Api.LeaveGroup));

  beforeEach(async () => {
    cluster = await FakeCluster.start(2);
    cluster.topics.set('t', [{ leader: 1 }, { leader: 2 }]);
    logs = new Map([['t-0', new FakeLog()], ['t-1', new FakeLog()]]);
    logs.get('t-0')!.append(['a0', 'a1', 'a2', 'a3']);
    logs.get('t-1')!.append(['b0', 'b1']);
    for (const b of cluster.brokers) serveLogs(b, logs);
    group = new FakeGroupCoordinator(cluster.brokers, cluster.broker(1));
  });

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close(2000);
    await cluster.stop();
  });

  it('joins with the member id the coordinator hands out, assigns as leader and starts from committed offsets', async () => {
    group.committed.set('t-0', 2);
    const assigned: TopicPartition[][] = [];
    const c = consumer();
    c.subscribe(['t'], { onPartitionsAssigned: (tps) => { assigned.push(tps); } });
    const records = await pollUntil(c, 4);
    expect(values(records).sort()).to.deep.equal(['a2', 'a3', 'b0', 'b1']);
    const [first, second] = joins();
    expect(first.memberId).to.equal('');
    expect(second.memberId).to.equal('member-1');
    expect(second.protocolType).to.equal('consumer');
    expect(decodeSubscription(second.protocols[0].metadata).topics).to.deep.equal(['t']);
    expect(group.assignments.get('member-1')).to.deep.equal([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    expect(assigned).to.deep.equal([[{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]]);
    expect(c.assignment()).to.deep.equal([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
  });

  it('reports its group, generation and member id in groupMetadata() for sendOffsetsToTransaction', async () => {
    const c = consumer();
    expect(c.groupMetadata()).to.deep.equal({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null });
    c.subscribe(['t']);
    await pollUntil(c, 6);
    expect(c.groupMetadata()).to.deep.equal({ groupId: 'g', generationId: group.generation, memberId: 'member-1', groupInstanceId: null });
    const groupless = new Consumer({ bootstrapServers: cluster.bootstrap });
    consumers.push(groupless);
    expect(() => groupless.groupMetadata()).to.throw(/group.id/);
  });

  it('fetches committed offsets with requireStable and waits out UNSTABLE_OFFSET_COMMIT (a transaction still committing)', async () => {
    group.committed.set('t-0', 3);
    let unstable = 2;
    const stable = cluster.broker(1);
    const fetches: any[] = [];
    stable.on(Api.OffsetFetch, (req) => {
      fetches.push(req);
      const code = unstable-- > 0 ? ErrorCode.UNSTABLE_OFFSET_COMMIT.code : 0;
      return { throttleTimeMs: 0, errorCode: 0, topics: (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({
        partitionIndex: p, committedOffset: code === 0 ? (group.committed.get(`${t.name}-${p}`) ?? -1) : -1, committedLeaderEpoch: -1, metadata: '', errorCode: code,
      })) })) };
    });
    const c = consumer();
    expect(await c.committed([{ topic: 't', partition: 0 }])).to.deep.equal([{ topic: 't', partition: 0, offset: 3, metadata: '' }]);
    expect(fetches).to.have.length(3);
    expect(fetches.every((f) => f.requireStable === true)).to.equal(true);
  });

  it('advertises every configured assignor in order and runs the one the coordinator picks', async () => {
    // Range would give member-1 every single-partition topic; roundrobin alternates.
    cluster.topics.set('u', [{ leader: 1 }]);
    cluster.topics.set('v', [{ leader: 2 }]);
    group.otherMembers = [{ memberId: 'other', metadata: encodeSubscription({ topics: ['t', 'u', 'v'] }) }];
    group.protocol = 'roundrobin';
    const c = consumer({ partitionAssignmentStrategy: ['org.apache.kafka.clients.consumer.RangeAssignor', 'roundrobin'] });
    c.subscribe(['v', 'u', 't']);
    await pollFor(c, 'an assignment', () => c.assignment().length > 0);
    expect(joins()[1].protocols.map((p: { name: string }) => p.name)).to.deep.equal(['range', 'roundrobin']);
    expect(group.assignments.get('member-1')).to.deep.equal([{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }]);
    expect(group.assignments.get('other')).to.deep.equal([{ topic: 't', partition: 1 }, { topic: 'v', partition: 0 }]);
    expect(c.assignment()).to.deep.equal([{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }]);
    expect(c.subscription()).to.deep.equal(['t', 'u', 'v']);
  });

  it('commits and revokes before rejoining when a heartbeat reports a rebalance', async () => {
    const events: string[] = [];
    const c = consumer({ autoCommitIntervalMs: 60000 });
    c.subscribe(['t'], {
      onPartitionsRevoked: (tps) => { events.push(`revoked ${tps.length} after ${commits().length} commit(s)`); },
      onPartitionsAssigned: (tps) => { events.push(`assigned ${tps.length}`); },
    });
    await pollUntil(c, 6);
    group.heartbeatErrors.push(ErrorCode.REBALANCE_IN_PROGRESS.code);
    await pollFor(c, 'the second generation', () => events.length === 3);
    expect(events).to.deep.equal(['assigned 2', 'revoked 2 after 1 commit(s)', 'assigned 2']);
    expect(commits()[0]).to.include({ generationId: 1, memberId: 'member-1' });
    expect(group.committed.get('t-0')).to.equal(4);
    expect(group.committed.get('t-1')).to.equal(2);
    expect(joins().map((j) => j.memberId)).to.deep.equal(['', 'member-1', 'member-1']);
    const rejoin = decodeSubscription(joins()[2].protocols[0].metadata);
    expect(rejoin.ownedPartitions).to.have.length(2);
    expect(rejoin.generationId).to.equal(1);
  });

  it('treats UNKNOWN_MEMBER_ID as lost membership: no commit, onPartitionsLost, rejoin as a new member', async () => {
    const lost: TopicPartition[][] = [];
    const c = consumer();
    c.subscribe(['t'], { onPartitionsLost: (tps) => { lost.push(tps); } });
    await pollUntil(c, 6);
    group.heartbeatErrors.push(ErrorCode.UNKNOWN_MEMBER_ID.code);
    await pollFor(c, 'a new member id', () => joins().length === 4 && c.assignment().length === 2);
    expect(lost).to.have.length(1);
    expect(commits()).to.have.length(0);
    expect(joins().map((j) => j.memberId)).to.deep.equal(['', 'member-1', '', 'member-2']);
  });

  it('finds the coordinator again after NOT_COORDINATOR and keeps its membership', async () => {
    const c = consumer();
    c.subscribe(['t']);
    await pollUntil(c, 6);
    group.moveTo(cluster.broker(2));
    await pollFor(c, 'heartbeats to the new coordinator', () => cluster.broker(2).requestsFor(Api.Heartbeat).length >= 2);
    expect(joins()).to.have.length(2);
    await c.commitSync();
    expect(cluster.broker(2).requestsFor(Api.OffsetCommit)).to.have.length(1);
    expect(group.committed.get('t-0')).to.equal(4);
  });

  it('commits explicitly, reads committed offsets back and fails a commit from a stale generation', async () => {
    const c = consumer({ enableAutoCommit: false });
    c.subscribe(['t']);
    await pollUntil(c, 6);
    await c.commitSync([{ topic: 't', partition: 0, offset: 3 }]);
    expect(await c.committed([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])).to.deep.equal([
      { topic: 't', partition: 0, offset: 3, metadata: '' },
      { topic: 't', partition: 1, offset: null, metadata: null },
    ]);
    group.commitErrors.push(ErrorCode.ILLEGAL_GENERATION.code);
    const err = await c.commitSync().catch((e) => e);
    expect(err.errorName).to.equal('COMMIT_FAILED');
    await pollFor(c, 'a rejoin as a new member', () => joins().length === 4 && c.assignment().length === 2);
  });

  it('delivers commitAsync outcomes to its callback', async () => {
    const c = consumer({ enableAutoCommit: false });
    c.subscribe(['t']);
    await pollUntil(c, 6);
    const outcome = await new Promise<{ err: Error | null; count: number }>((resolve) => c.commitAsync(undefined, (err, offsets) => resolve({ err, count: offsets.length })));
    expect(outcome).to.deep.equal({ err: null, count: 2 });
    expect(group.committed.get('t-1')).to.equal(2);
  });

  it('auto-commits while polling and commits and leaves the group on close', async () => {
    const c = consumer({ autoCommitIntervalMs: 50 });
    c.subscribe(['t']);
    await pollUntil(c, 6);
    await pollFor(c, 'an auto-commit', () => group.committed.get('t-0') === 4);
    logs.get('t-1')!.append(['b2']);
    await pollUntil(c, 1);
    await c.close();
    expect(group.committed.get('t-1')).to.equal(3);
    expect(leaves()).to.have.length(1);
    expect(leaves()[0].members[0].memberId).to.equal('member-1');
  });

  it('leaves the group when poll() is not called within max.poll.interval.ms, and rejoins on the next poll', async () => {
    const c = consumer({ maxPollIntervalMs: 150 });
    c.subscribe(['t']);
    await pollUntil(c, 6);
    await waitUntil('the member to leave the group', () => leaves().length > 0, 3000);
    expect(leaves()).to.have.length(1);
    await pollFor(c, 'the rejoin', () => joins().length === 4 && c.assignment().length === 2);
  });

  it('raises a fatal JoinGroup error from poll()', async () => {
    group.joinErrors.push(ErrorCode.INVALID_SESSION_TIMEOUT.code);
    const c = consumer();
    c.subscribe(['t']);
    let err: any = null;
    const deadline = Date.now() + 3000;
    while (!err && Date.now() < deadline) err = await c.poll(50).then(() => null, (e) => e);
    expect(err?.errorName).to.equal('INVALID_SESSION_TIMEOUT');
  });

  it('raises NO_OFFSET_FOR_PARTITION when nothing is committed and auto.offset.reset is none', async () => {
    group.committed.set('t-0', 1);
    const c = consumer({ autoOffsetReset: 'none' });
    c.subscribe(['t']);
    let err: any = null;
    const got: ConsumerRecord[] = [];
    const deadline = Date.now() + 3000;
    while (!err && Date.now() < deadline) {
      try {
        got.push(...await c.poll(50));
      } catch (e) {
        err = e;
      }
    }
    expect(err?.errorName).to.equal('NO_OFFSET_FOR_PARTITION');
    expect(err.message).to.equal('Undefined offset with no reset policy for partitions: [t-1]');
  });

  it('keeps paused partitions out of poll() until they are resumed', async () => {
    const c = consumer();
    c.subscribe(['t'], { onPartitionsAssigned: () => c.pause([{ topic: 't', partition: 1 }]) });
    const first = await pollUntil(c, 4);
    expect(values(first)).to.deep.equal(['a0', 'a1', 'a2', 'a3']);
    expect(c.paused()).to.deep.equal([{ topic: 't', partition: 1 }]);
    expect(await c.poll(150)).to.deep.equal([]);
    c.resume([{ topic: 't', partition: 1 }]);
    expect(values(await pollUntil(c, 2))).to.deep.equal(['b0', 'b1']);
    expect(c.paused()).to.deep.equal([]);
  });

  it('refuses to mix subscribe() with assign() and group calls without a group id', async () => {
    const c = consumer();
    c.subscribe(['t']);
    expect(() => c.assign([{ topic: 't', partition: 0 }])).to.throw('Subscription to topics, partitions and pattern are mutually exclusive');
    const d = consumer();
    d.assign([{ topic: 't', partition: 0 }]);
    expect(() => d.subscribe(['t'])).to.throw('mutually exclusive');
    const plain = consumer({ groupId: undefined, enableAutoCommit: false });
    expect(() => plain.subscribe(['t'])).to.throw('you must provide a valid group.id');
    const err = await plain.commitSync().catch((e) => e);
    expect(err.errorName).to.equal('INVALID_GROUP_ID');
  });

  it('starts manually assigned partitions of a group consumer from the committed offset and commits without a generation', async () => {
    group.committed.set('t-0', 3);
    const c = consumer();
    c.assign([{ topic: 't', partition: 0 }]);
    expect(values(await pollUntil(c, 1))).to.deep.equal(['a3']);
    await c.commitSync();
    expect(commits()[0]).to.include({ generationId: -1, memberId: '' });
    expect(joins()).to.have.length(0);
  });
});
