import { expect } from 'chai';
import { Producer } from '../../lib/client/producer';
import { runKcat } from '../helpers/kcat';
import { runCli } from '../helpers/run-cli';
import { useOneBroker } from '../helpers/one-broker';

/** kcat (librdkafka 2.0) against the Kafka listener, run as a user runs it. */
describe('integration/kafka-listener-kcat', function () {
  this.timeout(120000);
  const cluster = useOneBroker();
  let kafka: string;
  let native: string;

  before(() => {
    ({ kafka, native } = cluster);
  });

  it('lists the broker at its Kafka endpoint and the topics with -L', async () => {
    const created = await runCli('samsa-topics', ['--bootstrap-server', native, '--create', '--topic', 'listed', '--partitions', '2']);
    expect(created.code, created.stderr).to.equal(0);
    const listed = await runKcat(['-b', kafka, '-L']);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.contain(`broker 1 at ${kafka} (controller)`);
    expect(listed.stdout).to.match(/topic "listed" with 2 partitions:/);
    expect(listed.stdout).to.contain('partition 0, leader 1, replicas: 1, isrs: 1');
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`produces keys, values and headers with compression.codec=${codec} and reads them back identical`, async () => {
      const topic = `kcat-${codec}`;
      const lines = [...Array(200).keys()].map((i) => `key-${i}:value ${i} ${codec} ${'x'.repeat(i % 40)}`);
      const produced = await runKcat(['-b', kafka, '-P', '-t', topic, '-K:', '-H', `codec=${codec}`, '-H', 'n=1',
        '-X', `compression.codec=${codec}`, '-X', 'acks=all'], { input: lines.join('\n') + '\n' });
      expect(produced.code, produced.stderr).to.equal(0);
      const consumed = await runKcat(['-b', kafka, '-C', '-t', topic, '-e', '-q', '-f', '%k:%s|%h\\n']);
      expect(consumed.code, consumed.stderr).to.equal(0);
      expect(consumed.stdout.trimEnd().split('\n')).to.deep.equal(lines.map((l) => `${l}|codec=${codec},n=1`));
    });
  }

  it('answers offsets for times with -Q: the first record at or after each timestamp', async () => {
    const producer = new Producer({ bootstrapServers: native, acks: -1 });
    for (const [i, ts] of [1000, 2000, 3000].entries()) await producer.send({ topic: 'times', partition: 0, value: `v${i}`, timestamp: ts });
    await producer.close();
    const at = async (ts: number) => (await runKcat(['-b', kafka, '-Q', '-t', `times:0:${ts}`])).stdout.trim();
    expect(await at(1500)).to.equal('times [0] offset 1');
    expect(await at(3000)).to.equal('times [0] offset 2');
    expect(await at(3001)).to.equal('times [0] offset -1');
  });

  it('reads through kcat what the native client produced, and through the native CLI what kcat produced', async () => {
    const producer = new Producer({ bootstrapServers: native });
    await Promise.all([...Array(50).keys()].map((i) => producer.send({ topic: 'cross', partition: 0, key: `n${i}`, value: `native-${i}` })));
    await producer.close();
    const viaKcat = await runKcat(['-b', kafka, '-C', '-t', 'cross', '-e', '-q', '-f', '%k=%s\\n']);
    expect(viaKcat.stdout.trimEnd().split('\n')).to.deep.equal([...Array(50).keys()].map((i) => `n${i}=native-${i}`));

    const input = [...Array(50).keys()].map((i) => `k${i}:kcat-${i}`).join('\n') + '\n';
    const produced = await runKcat(['-b', kafka, '-P', '-t', 'cross-back', '-K:', '-p', '0'], { input });
    expect(produced.code, produced.stderr).to.equal(0);
    const viaNative = await runCli('samsa-console-consumer', ['--bootstrap-server', native, '--topic', 'cross-back', '--partition', '0',
      '--offset', 'earliest', '--max-messages', '50', '--property', 'print.key=true', '--property', 'key.separator=:']);
    expect(viaNative.code, viaNative.stderr).to.equal(0);
    expect(viaNative.stdout).to.equal(input);
  });
});
