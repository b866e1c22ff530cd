import { expect } from 'chai';
import { waitUntil } from '../helpers/wait';
import { useReplicatedCluster, replicaBytes, verifyTopic } from '../helpers/replicated-cluster';

const TOPIC = 'failover';
const PARTITIONS = 6;
const KILL_CYCLES = 5;

/**
 * The acceptance test: an idempotent acks=all producer keeps sending while a loop SIGKILLs
 * a broker (the controller on some cycles), waits for the cluster to notice, and restarts it.
 * Afterwards every acknowledged record must be there exactly once, in order per partition, and
 * every replica must hold the same bytes.
 */
describe('system/failover', function () {
  this.timeout(300000);
  const cluster = useReplicatedCluster(TOPIC, PARTITIONS);

  it('loses and duplicates no acknowledged record through repeated SIGKILLs of any broker, the controller included', async () => {
    const loop = cluster.produceLoop(TOPIC, PARTITIONS);
    await loop.waitForAcks(2000);

    for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
      const controller = await cluster.controllerId();
      // Odd cycles kill the controller; the others a random broker that may or may not be it.
      const victim = cycle % 2 === 1 ? controller : cluster.brokerIds[Math.floor(Math.random() * cluster.brokerIds.length)];
      await cluster.stopBroker(victim, 'SIGKILL');
      await cluster.waitForRegistration(victim, false);
      await waitUntil('a live controller', async () => {
        const id = await cluster.controllerId().catch(() => -1);
        return id >= 0 && id !== victim;
      }, 30000, 100);
      // Producing goes on with two replicas (min.insync.replicas=2).
      await loop.waitForAcks(500);
      await cluster.startBroker(victim);
      await cluster.waitForFullIsr(TOPIC, PARTITIONS);
      await loop.waitForAcks(500);
      console.log(`      cycle ${cycle}: killed broker ${victim}${victim === controller ? ' (controller)' : ''}; ${loop.acked.size} acknowledged so far`);
    }
    await loop.stop();

    await cluster.waitForFullIsr(TOPIC, PARTITIONS);
    const result = await verifyTopic(cluster.bootstrap, TOPIC, PARTITIONS, loop.acked);
    console.log(`      acknowledged: ${result.acknowledged}, lost: ${result.lost}, duplicated: ${result.duplicated}, out of order: ${result.outOfOrder}, send failures: ${loop.failures.length}`);
    expect(result.acknowledged).to.be.greaterThan(4000);
    expect(result.lost, 'acknowledged records lost').to.equal(0);
    expect(result.duplicated, 'records duplicated').to.equal(0);
    expect(result.outOfOrder, 'records out of order within a partition').to.equal(0);

    // Every replica holds byte-identical logs up to the high watermark.
    for (const id of cluster.brokerIds) await cluster.stopBroker(id, 'SIGTERM');
    for (let p = 0; p < PARTITIONS; p++) {
      const copies = await Promise.all(cluster.brokerIds.map((id) => replicaBytes(cluster.logDir(id), TOPIC, p, result.endOffsets[p])));
      expect(copies[0].length, `partition ${p} has data`).to.be.greaterThan(0);
      for (let i = 1; i < copies.length; i++) {
        expect(copies[i].equals(copies[0]), `partition ${p}: broker ${cluster.brokerIds[i]} differs from broker ${cluster.brokerIds[0]}`).to.equal(true);
      }
    }
  });
});
