import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { useOneBroker } from '../helpers/one-broker';
import { ONE_BROKER_TRANSACTIONS, readToEnd } from '../helpers/transactions';

/**
 * KafkaJS 2.2's transactional producer through the Kafka listener: FindCoordinator key type 1,
 * InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn at Kafka's
 * versions; what it commits is read back with Samsa's read_committed consumer, what it aborts is not.
 */
describe('integration/kafka-listener-kafkajs-transactions', function () {
  this.timeout(120000);
  const fixture = useOneBroker({ ...ONE_BROKER_TRANSACTIONS, 'group.min.session.timeout.ms': 1000 });
  let kafka: Kafka;

  before(async () => {
    const admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'kjs-tx-out', numPartitions: 3, replicationFactor: 1 });
    await admin.createTopic({ topic: 'kjs-tx-in', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
    kafka = new Kafka({ clientId: 'kafkajs-tx', brokers: [fixture.kafka], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  });

  it('commits and aborts transactions with sendOffsets; read_committed sees the committed ones and the group its offsets', async () => {
    const producer = kafka.producer({ transactionalId: 'kjs-tx-app', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic: 'kjs-tx-out', messages: [0, 1, 2].map((partition) => ({ partition, value: `committed-${partition}` })) });
      await committed.sendOffsets({ consumerGroupId: 'kjs-tx-group', topics: [{ topic: 'kjs-tx-in', partitions: [{ partition: 0, offset: '17' }, { partition: 1, offset: '4' }] }] });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic: 'kjs-tx-out', messages: [0, 1, 2].map((partition) => ({ partition, value: `aborted-${partition}` })) });
      await aborted.sendOffsets({ consumerGroupId: 'kjs-tx-group', topics: [{ topic: 'kjs-tx-in', partitions: [{ partition: 0, offset: '99' }] }] });
      await aborted.abort();

      const last = await producer.transaction();
      await last.send({ topic: 'kjs-tx-out', messages: [{ partition: 0, value: 'last' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }

    const read = await readToEnd(fixture.native, 'kjs-tx-out', 3, 'read_committed');
    expect(read.map((r) => r.value!.toString()).sort()).to.deep.equal(['committed-0', 'committed-1', 'committed-2', 'last']);
    const uncommitted = await readToEnd(fixture.native, 'kjs-tx-out', 3, 'read_uncommitted');
    expect(uncommitted.map((r) => r.value!.toString()).filter((v) => v.startsWith('aborted-'))).to.have.length(3);

    const group = new Consumer({ bootstrapServers: fixture.native, groupId: 'kjs-tx-group', enableAutoCommit: false });
    try {
      const offsets = await group.committed([{ topic: 'kjs-tx-in', partition: 0 }, { topic: 'kjs-tx-in', partition: 1 }]);
      expect(offsets.map((o) => o.offset)).to.deep.equal([17, 4]);
    } finally {
      await group.close();
    }
  });
});
