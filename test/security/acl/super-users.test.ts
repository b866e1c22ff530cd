import { expect } from 'chai';
import { Admin } from '../../../lib/client/admin';
import { Consumer } from '../../../lib/client/consumer';
import { Producer } from '../../../lib/client/producer';
import { useOneBroker } from '../../helpers/one-broker';
import { useReplicatedCluster, verifyTopic } from '../../helpers/replicated-cluster';
import { waitUntil } from '../../helpers/wait';
import { CLUSTER, entry, topic, writeAcls } from './acl-fixtures';
import { ZkClient } from '../../../lib/zk/zk-client';

const AUTHORIZER = { 'authorizer.class.name': 'samsa', 'super.users': 'User:admin;User:ANONYMOUS' };

describe('security/acl/super-users', function () {
  this.timeout(180000);

  describe('one broker, User:ANONYMOUS a super user', () => {
    const cluster = useOneBroker(AUTHORIZER);

    it('does everything, even against DENY ACLs for every principal', async () => {
      const zk = await ZkClient.connect({ connectString: cluster.zk.connectString, sessionTimeoutMs: 10000 });
      await writeAcls(zk, topic('*'), [entry('All', 'Deny', 'User:*')]);
      await writeAcls(zk, CLUSTER, [entry('All', 'Deny', 'User:*')]);
      await waitUntil('the broker to see the DENY ACLs', () => cluster.broker.acls!.size >= 2);
      await zk.close();
      const admin = new Admin({ bootstrapServers: cluster.native });
      await admin.createTopic({ topic: 'su', numPartitions: 1, replicationFactor: 1 });
      const producer = new Producer({ bootstrapServers: cluster.native });
      await producer.send({ topic: 'su', value: 'v' });
      await producer.close();
      const consumer = new Consumer({ bootstrapServers: cluster.native, groupId: 'su-group', autoOffsetReset: 'earliest' });
      consumer.subscribe(['su']);
      const values: string[] = [];
      await waitUntil('the record', async () => {
        for (const r of await consumer.poll(500)) values.push(r.value!.toString());
        return values.length > 0;
      }, 30000);
      await consumer.commitSync();
      await consumer.close();
      expect(values).to.deep.equal(['v']);
      await admin.deleteTopic('su');
      await admin.close();
    });
  });

  describe('three brokers whose principal (User:ANONYMOUS on PLAINTEXT) is a super user', () => {
    const cluster = useReplicatedCluster('secured', 2, AUTHORIZER);

    it('replicates (every partition fully in sync) and fails over without losing acknowledged records', async () => {
      const loop = cluster.produceLoop('secured', 2);
      await waitUntil('some acknowledged records', () => loop.acked.size > 200, 30000);
      const leader = (await cluster.partitionState('secured', 0)).leader;
      await cluster.stopBroker(leader, 'SIGKILL');
      await waitUntil('a new leader', async () => (await cluster.partitionState('secured', 0)).leader !== leader, 30000);
      const before = loop.acked.size;
      await waitUntil('records acknowledged after the failover', () => loop.acked.size > before + 200, 30000);
      await loop.stop();
      const verified = await verifyTopic(cluster.bootstrap, 'secured', 2, loop.acked);
      expect(verified.lost).to.equal(0);
      expect(verified.acknowledged).to.be.greaterThan(400);
    });
  });
});
