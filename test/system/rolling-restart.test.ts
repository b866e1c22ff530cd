import { expect } from 'chai';
import { useReplicatedCluster, verifyTopic } from '../helpers/replicated-cluster';

const TOPIC = 'rolling';
const PARTITIONS = 6;

/**
 * A rolling restart with SIGTERM under load: controlled shutdown moves leadership off each broker
 * before it stops, so nothing acknowledged is lost and the producer never gives up on a record.
 */
describe('system/rolling-restart', function () {
  this.timeout(240000);
  const cluster = useReplicatedCluster(TOPIC, PARTITIONS);

  it('restarts every broker in turn with SIGTERM while producing, losing nothing', async () => {
    const loop = cluster.produceLoop(TOPIC, PARTITIONS);
    await loop.waitForAcks(2000);
    for (const id of cluster.brokerIds) {
      await cluster.stopBroker(id, 'SIGTERM');
      expect(cluster.brokers.get(id)!.process.exitCode, `broker ${id} exit code`).to.equal(0);
      await loop.waitForAcks(500);
      await cluster.startBroker(id);
      await cluster.waitForFullIsr(TOPIC, PARTITIONS);
      await loop.waitForAcks(500);
    }
    await loop.stop();
    const result = await verifyTopic(cluster.bootstrap, TOPIC, PARTITIONS, loop.acked);
    console.log(`      acknowledged: ${result.acknowledged}, lost: ${result.lost}, duplicated: ${result.duplicated}, send failures: ${loop.failures.length}`);
    expect(loop.failures, 'sends that failed after retries').to.deep.equal([]);
    expect(result.lost).to.equal(0);
    expect(result.duplicated).to.equal(0);
    expect(result.outOfOrder).to.equal(0);
  });
});
