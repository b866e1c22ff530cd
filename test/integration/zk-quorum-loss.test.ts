import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { ZkClient } from '../../lib/zk/zk-client';
import { sleep } from '../../lib/util/time';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestEnsemble, TestEnsemble } from '../helpers/zookeeper-ensemble';

const SESSION_TIMEOUT_MS = 4000;

interface ZkView {
  registrationOwner: string;
  registrationCzxid: bigint;
  controllerOwner: string;
  controllerEpoch: number;
}

async function zkView(connectString: string): Promise<ZkView> {
  const client = await ZkClient.connect({ connectString, sessionTimeoutMs: 30000, connectionTimeoutMs: 60000 });
  try {
    const registration = await client.exists('/brokers/ids/1');
    const controller = await client.exists('/controller');
    const epoch = await client.getData('/controller_epoch');
    return {
      registrationOwner: registration?.ephemeralOwner ?? 'none',
      registrationCzxid: registration?.czxid ?? -1n,
      controllerOwner: controller?.ephemeralOwner ?? 'none',
      controllerEpoch: Number(epoch.data?.toString() ?? -1),
    };
  } finally {
    await client.close();
  }
}

/**
 * Regression test for chaos-suite defect 3 (docs/reliability.md): a ZooKeeper quorum loss longer
 * than the session timeout. No ZooKeeper server can expire a session without a quorum, and the
 * re-elected leader gives every session a fresh timeout, so - as with Kafka - the broker must keep
 * its session: no self-declared expiry, no re-registration, no controller election.
 */
describe('integration/zk-quorum-loss', function () {
  this.timeout(240000);
  let ensemble: TestEnsemble;
  let broker: Broker;

  before(async () => {
    ensemble = await startTestEnsemble(3, 500);
    broker = await startBroker({ brokerId: 1, zkConnect: ensemble.connectString, overrides: { 'zookeeper.session.timeout.ms': SESSION_TIMEOUT_MS } });
  });

  after(async () => {
    await broker?.shutdown();
    await ensemble?.stop();
  });

  it('keeps the broker\'s session, registration and controller tenure through a quorum loss longer than the session timeout', async () => {
    await waitUntil('controller election', () => broker.isController, 30000);
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = new Admin({ bootstrapServers: bootstrap });
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1 });
    try {
      await admin.createTopic({ topic: 'kept', numPartitions: 1, replicationFactor: 1 });
      await waitUntil('the topic to take writes', async () => (await producer.send({ topic: 'kept', value: 'before' }).then(() => true, () => false)), 30000, 200);
      const before = await zkView(ensemble.connectString);
      const brokerEpoch = broker.brokerEpoch;
      expect(before.registrationOwner).to.equal(before.controllerOwner);

      await ensemble.kill([1, 2]);
      // Well past the session timeout: the broker hears nothing from any server meanwhile.
      await sleep(SESSION_TIMEOUT_MS * 2.5);
      expect(broker.isController, 'still controller while ZooKeeper has no quorum').to.equal(true);
      // Existing partitions keep serving (acks=1 needs no ZooKeeper).
      expect((await producer.send({ topic: 'kept', value: 'during' })).offset).to.be.at.least(1);

      await ensemble.restart([1, 2]);
      // The broker must reconnect to its session within the fresh timeout; give a late expiry time to show.
      await sleep(SESSION_TIMEOUT_MS * 1.5);
      const after = await zkView(ensemble.connectString);
      expect(after, 'same session, same registration, same controller, same epoch').to.deep.equal(before);
      expect(broker.brokerEpoch).to.equal(brokerEpoch);
      expect(broker.isController).to.equal(true);
      expect((await producer.send({ topic: 'kept', value: 'after' })).offset).to.be.at.least(2);
    } finally {
      await producer.close();
      await admin.close();
    }
  });
});
