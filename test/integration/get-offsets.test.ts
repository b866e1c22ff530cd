import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { InvalidArgumentError } from '../../lib/client/client-errors';
import { useOneBroker } from '../helpers/one-broker';
import { runCli } from '../helpers/run-cli';

/**
 * Offsets by time: samsa-get-offsets (Kafka 2.8's GetOffsetShell, run as its own process),
 * ListOffsets by timestamp to the record (native client, consumer offsetsForTimes, the admin
 * client, and KafkaJS on the Kafka listener), and the console consumer's timestamp start.
 */
describe('integration/get-offsets', function () {
  this.timeout(60000);
  const TOPIC = 'go-events';
  const fixture = useOneBroker();
  let admin: Admin;

  const getOffsets = (args: string[]) => runCli('samsa-get-offsets', ['--broker-list', fixture.native, ...args]);

  before(async () => {
    admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: TOPIC, numPartitions: 3, replicationFactor: 1 });
    const producer = new Producer({ bootstrapServers: fixture.native, lingerMs: 50 });
    try {
      // Partition 0: one batch per record; partitions 1 and 2: one batch each.
      for (let i = 0; i < 5; i++) await producer.send({ topic: TOPIC, partition: 0, value: `p0-${i}`, timestamp: 1000 + i });
      await Promise.all([0, 1, 2].map((i) => producer.send({ topic: TOPIC, partition: 1, value: `p1-${i}`, timestamp: 2000 + i })));
      await Promise.all([0, 1, 2, 3, 4].map((i) => producer.send({ topic: TOPIC, partition: 2, value: `p2-${i}`, timestamp: 3000 + i })));
    } finally {
      await producer.close();
    }
  });

  after(async () => {
    await admin?.close();
  });

  it('prints the latest offset of every partition by default', async () => {
    const result = await getOffsets(['--topic', TOPIC]);
    expect(result.stdout).to.equal('go-events:0:5\ngo-events:1:3\ngo-events:2:5\n');
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
  });

  it('prints the earliest offsets of the chosen partitions with --time -2 (and takes --bootstrap-server)', async () => {
    const result = await runCli('samsa-get-offsets', ['--bootstrap-server', fixture.native, '--topic', TOPIC, '--time', '-2', '--partitions', '2,0']);
    expect(result.stdout).to.equal('go-events:0:0\ngo-events:2:0\n');
    expect(result.code).to.equal(0);
  });

  it('prints the first offset at or after a timestamp, inside a batch too, and nothing when no record is that recent', async () => {
    expect((await getOffsets(['--topic', TOPIC, '--time', '1003'])).stdout).to.equal('go-events:0:3\ngo-events:1:0\ngo-events:2:0\n');
    expect((await getOffsets(['--topic', TOPIC, '--time', '3002', '--partitions', '2'])).stdout).to.equal('go-events:2:2\n');
    expect((await getOffsets(['--topic', TOPIC, '--time', '9999'])).stdout).to.equal('go-events:0:\ngo-events:1:\ngo-events:2:\n');
  });

  it('reports missing partitions, unknown topics and bad flags as Kafka does', async () => {
    const some = await getOffsets(['--topic', TOPIC, '--partitions', '0,7']);
    expect(some.stdout).to.equal('go-events:0:5\n');
    expect(some.stderr).to.equal('Error: partition 7 does not exist\n');
    expect(some.code).to.equal(0);
    const none = await getOffsets(['--topic', TOPIC, '--partitions', '7']);
    expect(none.stderr).to.equal('Topic go-events does not have any of the requested partitions 7\n');
    expect(none.code).to.equal(1);
    const unknown = await getOffsets(['--topic', 'go-missing']);
    expect(unknown.stderr).to.equal('Topic go-missing does not exist\n');
    expect(unknown.code).to.equal(1);
    const noTopic = await getOffsets([]);
    expect(noTopic.code).to.equal(1);
    expect(noTopic.stderr).to.contain('Missing required option(s): topic');
    const badList = await getOffsets(['--topic', TOPIC, '--partitions', '0,x']);
    expect(badList.code).to.equal(1);
    expect(badList.stderr).to.contain('--partitions expects a comma separated list of numeric partition ids, but received: 0,x');
    const badTime = await getOffsets(['--topic', TOPIC, '--time', 'soon']);
    expect(badTime.code).to.equal(1);
  });

  it('answers offsetsForTimes with the record\'s offset and timestamp, or null', async () => {
    const consumer = new Consumer({ bootstrapServers: fixture.native });
    try {
      const answers = await consumer.offsetsForTimes([
        { topic: TOPIC, partition: 2, timestamp: 3002 }, { topic: TOPIC, partition: 0, timestamp: 9999 }, { topic: TOPIC, partition: 1, timestamp: 0 },
      ]);
      expect(answers).to.deep.equal([
        { topic: TOPIC, partition: 2, offsetAndTimestamp: { offset: 2, timestamp: 3002 } },
        { topic: TOPIC, partition: 0, offsetAndTimestamp: null },
        { topic: TOPIC, partition: 1, offsetAndTimestamp: { offset: 0, timestamp: 2000 } },
      ]);
      let error: unknown;
      await consumer.offsetsForTimes([{ topic: TOPIC, partition: 0, timestamp: -5 }]).catch((err) => { error = err; });
      expect(error).to.be.instanceOf(InvalidArgumentError);
    } finally {
      await consumer.close();
    }
    const [info] = await admin.listOffsetsWithTimestamps([{ topic: TOPIC, partition: 2, spec: 3003 }]);
    expect(info).to.deep.equal({ topic: TOPIC, partition: 2, spec: 3003, offset: 3, timestamp: 3003 });
  });

  it('answers ListOffsets by timestamp on the Kafka listener (KafkaJS)', async () => {
    const kafka = new Kafka({ clientId: 'go-kafkajs', brokers: [fixture.kafka], logLevel: logLevel.NOTHING });
    const kadmin = kafka.admin();
    await kadmin.connect();
    try {
      const offsets = await kadmin.fetchTopicOffsetsByTimestamp(TOPIC, 3002);
      expect(offsets.sort((a, b) => a.partition - b.partition).map((o) => o.offset)).to.deep.equal(['5', '3', '2']);
    } finally {
      await kadmin.disconnect();
    }
  });

  it('starts the console consumer at a timestamp (--offset timestamp:<ms>, a Samsa extension)', async () => {
    const result = await runCli('samsa-console-consumer', [
      '--bootstrap-server', fixture.native, '--topic', TOPIC, '--partition', '2', '--offset', 'timestamp:3003', '--max-messages', '2', '--timeout-ms', '10000',
    ]);
    expect(result.stdout).to.equal('p2-3\np2-4\n');
    expect(result.code).to.equal(0);
  });
});
