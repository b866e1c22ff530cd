import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { waitUntil } from '../helpers/wait';
import { SESSION_TIMEOUT_MS, useReplicatedCluster } from '../helpers/replicated-cluster';

const TOPIC = 'paused';
const PARTITIONS = 3;

/**
 * The controller is frozen (SIGSTOP) past its ZooKeeper session timeout, so another broker takes
 * over; when it resumes it must notice its session is gone, step down, re-register and rejoin the
 * ISRs, leaving exactly one controller that every broker agrees on.
 */
describe('system/controller-session-expiry', function () {
  this.timeout(180000);
  const cluster = useReplicatedCluster(TOPIC, PARTITIONS);

  async function controllerSeenBy(port: number): Promise<number> {
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${port}` });
    try {
      return (await admin.describeCluster()).controllerId;
    } finally {
      await admin.close();
    }
  }

  it('leaves exactly one controller and lets the paused broker rejoin', async () => {
    const paused = await cluster.controllerId();
    const epochBefore = Number((await cluster.zkClient.getData('/controller_epoch')).data!.toString());
    const child = cluster.brokers.get(paused)!.process;
    child.kill('SIGSTOP');
    try {
      await cluster.waitForRegistration(paused, false, SESSION_TIMEOUT_MS * 4);
      await waitUntil('another controller', async () => {
        const id = await cluster.controllerId().catch(() => -1);
        return id >= 0 && id !== paused;
      }, 30000, 100);
    } finally {
      child.kill('SIGCONT');
    }
    const successor = await cluster.controllerId();
    const epochAfter = Number((await cluster.zkClient.getData('/controller_epoch')).data!.toString());
    expect(epochAfter).to.be.greaterThan(epochBefore);

    await cluster.waitForRegistration(paused, true);
    await cluster.waitForFullIsr(TOPIC, PARTITIONS);
    // Every broker, the resumed one included, names the same single controller.
    await waitUntil('all brokers to agree on the controller', async () => {
      const views = await Promise.all(cluster.brokerIds.map((id) => controllerSeenBy(cluster.brokers.get(id)!.port).catch(() => -1)));
      return views.every((v) => v === successor);
    }, 30000, 200);
    expect(await cluster.controllerId()).to.equal(successor);
    expect(child.exitCode).to.equal(null);
  });
});
