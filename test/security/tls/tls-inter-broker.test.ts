import { expect } from 'chai';
import { waitUntil } from '../../helpers/wait';
import { useReplicatedCluster, verifyTopic } from '../../helpers/replicated-cluster';
import { testCerts } from '../../helpers/certs';

const TOPIC = 'tls-replicated';
const PARTITIONS = 3;

/**
 * Brokers talk to each other over an SSL listener that requires client certificates, so the
 * controller channel and the replica fetchers can only work through TLS with the broker's own key
 * store as client certificate. Clients use the PLAINTEXT listener.
 */
describe('security/tls between brokers', function () {
  this.timeout(180000);
  const certs = testCerts();
  const cluster = useReplicatedCluster(TOPIC, PARTITIONS, {
    listeners: 'PLAINTEXT://127.0.0.1:{port},SSL://127.0.0.1:0',
    'security.inter.broker.protocol': 'SSL',
    'ssl.keystore.location': certs.broker.keystore,
    'ssl.truststore.location': certs.ca,
    'ssl.client.auth': 'required',
  });

  it('replicates over the SSL inter-broker listener and survives a SIGKILL of a leader', async () => {
    const registered = JSON.parse((await cluster.zkClient.getData('/brokers/ids/1')).data!.toString('utf8')) as { endpoints: string[] };
    expect(registered.endpoints.some((e) => e.startsWith('SSL://127.0.0.1:'))).to.equal(true);
    await cluster.waitForFullIsr(TOPIC, PARTITIONS);
    const loop = cluster.produceLoop(TOPIC, PARTITIONS);
    await loop.waitForAcks(300);
    const victim = (await cluster.partitionState(TOPIC, 0)).leader;
    await cluster.stopBroker(victim, 'SIGKILL');
    await cluster.waitForRegistration(victim, false);
    await waitUntil('a new leader for partition 0', async () => {
      const leader = (await cluster.partitionState(TOPIC, 0)).leader;
      return leader >= 0 && leader !== victim;
    }, 30000, 100);
    await loop.waitForAcks(300);
    await cluster.startBroker(victim);
    await cluster.waitForFullIsr(TOPIC, PARTITIONS);
    await loop.stop();
    const result = await verifyTopic(cluster.bootstrap, TOPIC, PARTITIONS, loop.acked);
    expect(result.acknowledged).to.be.greaterThan(600);
    expect(result.lost).to.equal(0);
    expect(result.duplicated).to.equal(0);
  });
});
