import { expect } from 'chai';
import { useReplicatedCluster } from '../helpers/replicated-cluster';
import { httpRequest, sampleValue, scrape } from '../helpers/prometheus-text';
import { waitUntil } from '../helpers/wait';

const TOPIC = 'watched';
const PARTITIONS = 3;

/**
 * What an operator's dashboard sees in a 3-broker cluster: under-replicated partitions when a
 * broker dies and their recovery when it is back, and /ready answering 503 while a restarted
 * broker waits for ZooKeeper to expire its previous session.
 */
describe('system/metrics-cluster', function () {
  this.timeout(120000);
  const cluster = useReplicatedCluster(TOPIC, PARTITIONS, { 'http.listener': 'http://127.0.0.1:{httpPort}' });

  async function underReplicated(ids: number[]): Promise<number> {
    let total = 0;
    for (const id of ids) total += sampleValue(await scrape(cluster.httpPort(id)), 'samsa_replica_under_replicated_partitions')!;
    return total;
  }

  async function ready(id: number): Promise<{ status: number; reason?: string }> {
    const reply = await httpRequest(cluster.httpPort(id), '/ready');
    return { status: reply.status, reason: JSON.parse(reply.body).reason };
  }

  it('reports every partition under-replicated while a broker is down, and none once it is back', async () => {
    expect(await underReplicated([1, 2, 3])).to.equal(0);
    const controller = await cluster.controllerId();
    const victim = [1, 2, 3].find((id) => id !== controller)!;
    const survivors = [1, 2, 3].filter((id) => id !== victim);
    const leadersBefore = await Promise.all([1, 2, 3].map(async (id) => sampleValue(await scrape(cluster.httpPort(id)), 'samsa_replica_leader_count')!));
    expect(leadersBefore.reduce((a, b) => a + b, 0)).to.be.at.least(PARTITIONS);
    // Followers' fetches to the leaders are timed as FetchFollower, their long polls as remote time.
    const leader = [1, 2, 3].find((id) => leadersBefore[id - 1] > 0)!;
    await waitUntil('follower fetches timed', async () =>
      (sampleValue(await scrape(cluster.httpPort(leader)), 'samsa_network_request_remote_time_seconds_sum', { request: 'FetchFollower' }) ?? 0) > 0, 10000, 200);

    const elections = async () => sampleValue(await scrape(cluster.httpPort(controller)), 'samsa_controller_leader_elections_total')!;
    const electionsBefore = await elections();
    const electionTime = async () => {
      const e = await scrape(cluster.httpPort(controller));
      return { count: sampleValue(e, 'samsa_controller_leader_election_time_seconds_count')!, sum: sampleValue(e, 'samsa_controller_leader_election_time_seconds_sum')! };
    };
    const electionTimeBefore = await electionTime();

    await cluster.stopBroker(victim, 'SIGKILL');
    await waitUntil(`${PARTITIONS} under-replicated partitions`, async () => (await underReplicated(survivors)) === PARTITIONS, 30000, 200);
    // Every partition the victim led got a new leader from the ISR, elected by the controller.
    expect(leadersBefore[victim - 1]).to.be.at.least(1);
    expect(await elections()).to.be.at.least(electionsBefore + leadersBefore[victim - 1]);
    expect(sampleValue(await scrape(cluster.httpPort(controller)), 'samsa_controller_unclean_leader_elections_total')).to.equal(0);
    // One election time per leader elected, timed from the broker-change watch to the state written.
    const electionTimeAfter = await electionTime();
    expect(electionTimeAfter.count - electionTimeBefore.count).to.equal((await elections()) - electionsBefore);
    expect(electionTimeAfter.sum).to.be.greaterThan(electionTimeBefore.sum);
    const shrinks = await Promise.all(survivors.map(async (id) => sampleValue(await scrape(cluster.httpPort(id)), 'samsa_replica_isr_shrinks_total')!));
    expect(shrinks.reduce((a, b) => a + b, 0)).to.be.at.least(1);

    await cluster.startBroker(victim);
    await cluster.waitForFullIsr(TOPIC, PARTITIONS);
    await waitUntil('no under-replicated partitions', async () => (await underReplicated([1, 2, 3])) === 0, 30000, 200);
    await waitUntil(`broker ${victim} ready`, async () => (await ready(victim)).status === 200, 30000, 200);
  });

  it('answers /ready 503 while a restarted broker waits for its old ZooKeeper session to expire, then 200', async () => {
    const id = (await cluster.controllerId()) === 3 ? 2 : 3;
    await cluster.stopBroker(id, 'SIGKILL');
    // The old session (6 s) is still alive: the new process cannot register yet.
    await cluster.startBroker(id);
    const first = await ready(id);
    expect(first.status).to.equal(503);
    expect(first.reason).to.match(/registered|ZooKeeper/);
    expect((await httpRequest(cluster.httpPort(id), '/health')).status).to.equal(200);
    const waitingSince = Date.now();
    await waitUntil(`broker ${id} ready`, async () => (await ready(id)).status === 200, 60000, 100);
    expect(Date.now() - waitingSince).to.be.greaterThan(1000);
    expect(sampleValue(await scrape(cluster.httpPort(id)), 'samsa_zookeeper_session_state', { state: 'CONNECTED' })).to.equal(1);
  });

  it('moves the active controller gauge and raises the epoch when the controller stops', async () => {
    const controller = await cluster.controllerId();
    const others = [1, 2, 3].filter((id) => id !== controller);
    const before = await scrape(cluster.httpPort(controller));
    expect(sampleValue(before, 'samsa_controller_active_count')).to.equal(1);
    const epoch = sampleValue(before, 'samsa_controller_epoch')!;
    for (const id of others) expect(sampleValue(await scrape(cluster.httpPort(id)), 'samsa_controller_active_count')).to.equal(0);

    await cluster.stopBroker(controller, 'SIGTERM');
    let successor = -1;
    await waitUntil('a new active controller', async () => {
      for (const id of others) {
        if (sampleValue(await scrape(cluster.httpPort(id)), 'samsa_controller_active_count') === 1) successor = id;
      }
      return successor !== -1;
    }, 30000, 100);
    expect(sampleValue(await scrape(cluster.httpPort(successor)), 'samsa_controller_epoch')).to.be.greaterThan(epoch);
    await cluster.startBroker(controller);
    await waitUntil(`broker ${controller} ready`, async () => (await ready(controller)).status === 200, 30000, 200);
  });
});
