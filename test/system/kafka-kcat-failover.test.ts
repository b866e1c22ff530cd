import { expect } from 'chai';
import { spawn } from 'child_process';
import { ReplicatedCluster } from '../helpers/replicated-cluster';
import { runKcat } from '../helpers/kcat';

/**
 * kcat (librdkafka) producing with acks=all to a 3-broker cluster's Kafka listeners while the
 * partition's leader is SIGKILLed: every record kcat saw acknowledged is there afterwards.
 */
describe('system/kafka-kcat-failover', function () {
  this.timeout(240000);
  const cluster = new ReplicatedCluster([1, 2, 3], {}, true);
  const TOPIC = 'kcat-failover';
  const RECORDS = 6000;

  before(async () => {
    await cluster.start();
    await cluster.createTopic(TOPIC, 1, { 'min.insync.replicas': '2' });
  });

  after(async () => {
    await cluster.stop();
  });

  it('loses no acknowledged record when the leader is SIGKILLed mid-stream', async () => {
    const leader = (await cluster.partitionState(TOPIC, 0)).leader;
    const producer = spawn('kcat', ['-b', cluster.kafkaBootstrap, '-P', '-t', TOPIC, '-p', '0',
      '-X', 'acks=all', '-X', 'enable.idempotence=true', '-X', 'message.timeout.ms=90000', '-X', 'linger.ms=5'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    producer.stderr.on('data', (d) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => producer.on('exit', resolve));
    for (let chunk = 0; chunk < 30; chunk++) {
      const lines = [...Array(RECORDS / 30).keys()].map((i) => `record-${chunk * (RECORDS / 30) + i}`).join('\n') + '\n';
      producer.stdin.write(lines);
      await new Promise((r) => setTimeout(r, 100));
      if (chunk === 10) await cluster.stopBroker(leader, 'SIGKILL');
    }
    producer.stdin.end();
    const code = await exited;
    // librdkafka reports every record it could not deliver; the rest were acknowledged by acks=all.
    const failed = new Set([...stderr.matchAll(/Delivery failed for message: .*?(record-\d+)/g)].map((m) => m[1]));
    expect(code, stderr).to.equal(0);
    const acknowledged = [...Array(RECORDS).keys()].map((i) => `record-${i}`).filter((r) => !failed.has(r));
    expect(acknowledged.length).to.be.greaterThan(RECORDS * 0.9);

    const survivors = cluster.brokerIds.filter((id) => id !== leader);
    expect(survivors).to.include((await cluster.partitionState(TOPIC, 0)).leader);
    const bootstrap = cluster.kafkaBootstrap.split(',').filter((_, i) => cluster.brokerIds[i] !== leader).join(',');
    const read = await runKcat(['-b', bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q'], { timeoutMs: 60000 });
    expect(read.code, read.stderr).to.equal(0);
    const stored = new Set(read.stdout.split('\n').filter((l) => l !== ''));
    const lost = acknowledged.filter((r) => !stored.has(r));
    expect(lost, `lost ${lost.length} acknowledged records (survivors ${survivors})`).to.deep.equal([]);
    expect(read.stdout.split('\n').filter((l) => l !== '').length, 'no duplicates with the idempotent producer').to.equal(stored.size);
  });
});
