import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { startBroker, tempDir } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';
import { startTestZooKeeper } from '../helpers/zookeeper';

const T0 = 1700000000000;

/** The CRC depends on bytes the test does not spell out; everything else on the line is golden. */
function masked(text: string): string {
  return text.replace(/crc: \d+/g, 'crc: <crc>');
}

describe('integration/dump-log-cli', function () {
  this.timeout(90000);
  let dir: string;
  let gzipLog: string;
  const file = (suffix: string): string => path.join(dir, `00000000000000000000${suffix}`);
  const dump = (...args: string[]) => runCli('samsa-dump-log', args);

  before(async () => {
    const logDir = tempDir('dump-log');
    const zk = await startTestZooKeeper();
    const broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, logDir });
    try {
      const bootstrap = `127.0.0.1:${broker.port}`;
      const admin = new Admin({ bootstrapServers: bootstrap });
      await admin.createTopic({ topic: 'dumped', numPartitions: 1, replicationFactor: 1, configs: { 'index.interval.bytes': '0' } });
      await admin.close();
      const producer = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 0, enableIdempotence: false });
      await producer.send({ topic: 'dumped', key: 'k0', value: 'first', timestamp: T0 });
      await producer.send({ topic: 'dumped', value: 'second', timestamp: T0 + 1 });
      await producer.close();
      const batched = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 2000, enableIdempotence: false });
      const sends = [batched.send({ topic: 'dumped', key: 'k2', value: 'third', timestamp: T0 + 5, headers: { h: 'x' } }),
        batched.send({ topic: 'dumped', key: 'k3', value: 'fourth', timestamp: T0 + 3 })];
      await batched.flush();
      await Promise.all(sends);
      await batched.close();
      await admin2(bootstrap);
    } finally {
      await broker.shutdown();
      await zk.stop();
    }
    dir = path.join(logDir, 'dumped-0');
    gzipLog = path.join(logDir, 'dumped-gzip-0', '00000000000000000000.log');
  });

  /** A second topic holding one gzip batch of three records from an idempotent producer. */
  async function admin2(bootstrap: string): Promise<void> {
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'dumped-gzip', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 2000, compression: 'gzip', enableIdempotence: true });
    const sends = [0, 1, 2].map((i) => producer.send({ topic: 'dumped-gzip', value: `zipped-${i}`, timestamp: T0 + i }));
    await producer.flush();
    await Promise.all(sends);
    await producer.close();
  }

  it('prints one line per batch of a segment a broker wrote, with Kafka\'s fields', async () => {
    const r = await dump('--files', file('.log'));
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(masked(r.stdout)).to.equal([
      `Dumping ${file('.log')}`,
      'Starting offset: 0',
      'baseOffset: 0 lastOffset: 0 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false position: 0 CreateTime: 1700000000000 size: 75 magic: 2 compresscodec: none crc: <crc> isvalid: true',
      'baseOffset: 1 lastOffset: 1 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false position: 75 CreateTime: 1700000000001 size: 74 magic: 2 compresscodec: none crc: <crc> isvalid: true',
      'baseOffset: 2 lastOffset: 3 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false position: 149 CreateTime: 1700000000005 size: 94 magic: 2 compresscodec: none crc: <crc> isvalid: true',
      '',
    ].join('\n'));
  });

  it('prints every record with keys and payloads under --print-data-log', async () => {
    const r = await dump('--files', file('.log'), '--print-data-log');
    expect(r.code).to.equal(0);
    const records = r.stdout.split('\n').filter((l) => l.startsWith('|'));
    expect(records).to.deep.equal([
      '| offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 5 sequence: -1 headerKeys: [] key: k0 payload: first',
      '| offset: 1 CreateTime: 1700000000001 keySize: -1 valueSize: 6 sequence: -1 headerKeys: [] payload: second',
      '| offset: 2 CreateTime: 1700000000005 keySize: 2 valueSize: 5 sequence: -1 headerKeys: [h] key: k2 payload: third',
      '| offset: 3 CreateTime: 1700000000003 keySize: 2 valueSize: 6 sequence: -1 headerKeys: [] key: k3 payload: fourth',
    ]);
    const deep = await dump('--files', file('.log'), '--deep-iteration');
    expect(deep.stdout).to.contain('| offset: 3 CreateTime: 1700000000003 keySize: 2 valueSize: 6 sequence: -1 headerKeys: []\n');
    expect(deep.stdout).not.to.contain('payload:');
  });

  it('decompresses a gzip batch to show its records', async () => {
    const r = await dump('--files', gzipLog, '--print-data-log');
    expect(r.code).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines[2]).to.match(/^baseOffset: 0 lastOffset: 2 count: 3 baseSequence: 0 lastSequence: 2 producerId: \d+ producerEpoch: 0 .* CreateTime: 1700000000002 size: \d+ magic: 2 compresscodec: gzip crc: \d+ isvalid: true$/);
    expect(lines.slice(3, 6)).to.deep.equal([0, 1, 2].map((i) => `| offset: ${i} CreateTime: ${T0 + i} keySize: -1 valueSize: 8 sequence: ${i} headerKeys: [] payload: zipped-${i}`));
    const bare = await dump('--files', gzipLog, '--print-data-log', '--skip-record-metadata');
    expect(bare.stdout.split('\n').slice(3, 6)).to.deep.equal([' payload: zipped-0', ' payload: zipped-1', ' payload: zipped-2']);
  });

  it('prints the producers of a snapshot, and says so when one is corrupt', async () => {
    const snapshot = path.join(path.dirname(gzipLog), '00000000000000000003.snapshot');
    const r = await dump('--files', snapshot);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`^Dumping ${snapshot}\nproducerId: \\d+ producerEpoch: 0 coordinatorEpoch: -1 currentTxnFirstOffset: None ` +
      'firstSequence: 0 lastSequence: 2 lastOffset: 2 offsetDelta: 2 timestamp: 1700000000002\n$'));
    const copy = path.join(tempDir('dump-log-snapshot'), '00000000000000000003.snapshot');
    fs.writeFileSync(copy, fs.readFileSync(snapshot, 'utf8').replace('"epoch":0', '"epoch":1'));
    const bad = await dump('--files', copy);
    expect(bad.stderr).to.equal(`Snapshot ${copy} is corrupt (its CRC or contents do not check out)\n`);
  });

  it('dumps the offset and time indexes, checks them against the log, and runs the sanity check', async () => {
    const r = await dump('--files', `${file('.index')},${file('.timeindex')}`);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal([
      `Dumping ${file('.index')}`, 'offset: 1 position: 75', 'offset: 2 position: 149',
      `Dumping ${file('.timeindex')}`, 'timestamp: 1700000000001 offset: 1', 'timestamp: 1700000000005 offset: 2', '',
    ].join('\n'));
    const sane = await dump('--files', `${file('.index')},${file('.timeindex')}`, '--index-sanity-check');
    expect(sane.stdout).to.equal(`Dumping ${file('.index')}\n${file('.index')} passed sanity check.\nDumping ${file('.timeindex')}\n${file('.timeindex')} passed sanity check.\n`);
    const verify = await dump('--files', file('.index'), '--verify-index-only');
    expect(verify.stdout).to.equal(`Dumping ${file('.index')}\n`);
  });

  it('reports a corrupt tail and a damaged batch instead of crashing', async () => {
    const copy = tempDir('dump-log-corrupt');
    const log = path.join(copy, '00000000000000000000.log');
    const bytes = fs.readFileSync(file('.log'));
    bytes[75 + 70] ^= 0xff; // inside the second batch's record: its CRC no longer matches
    fs.writeFileSync(log, Buffer.concat([bytes, Buffer.from([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1, 0, 1, 2, 3])]));
    const r = await dump('--files', log, '--deep-iteration');
    expect(r.code).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('baseOffset: 1 '))).to.match(/ isvalid: false$/);
    expect(lines.find((l) => l.startsWith('baseOffset: 2 '))).to.match(/ isvalid: true$/);
    expect(lines).to.include('Found 15 invalid bytes at the end of 00000000000000000000.log');
  });

  it('flags index entries that do not match the log and a failed sanity check, exiting 1 for the latter', async () => {
    const copy = tempDir('dump-log-index');
    fs.copyFileSync(file('.log'), path.join(copy, '00000000000000000000.log'));
    const index = Buffer.from(fs.readFileSync(file('.index')));
    index.writeInt32BE(3, 8); // second entry: offset 3 at the position of the batch based at 2
    fs.writeFileSync(path.join(copy, '00000000000000000000.index'), index);
    const r = await dump('--files', path.join(copy, '00000000000000000000.index'));
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal(`Mismatches in :${path.join(copy, '00000000000000000000.index')}\n  Index offset: 3, log offset: 2\n`);
    fs.writeFileSync(path.join(copy, '00000000000000000000.index'), Buffer.concat([index, Buffer.from([1, 2, 3])]));
    const bad = await dump('--files', path.join(copy, '00000000000000000000.index'), '--index-sanity-check');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('is not a multiple of the entry size 8');
  });

  it('refuses bad command lines and unreadable files with exit code 1', async () => {
    const none = await dump('--print-data-log');
    expect(none.code).to.equal(1);
    expect(none.stderr).to.equal("Error: Missing required argument \"[files]\"\nTry 'samsa-dump-log --help' for more information.\n");
    const missing = await dump('--files', '/nonexistent/00000000000000000000.log');
    expect(missing.code).to.equal(1);
    expect(missing.stdout).to.equal('Dumping /nonexistent/00000000000000000000.log\nStarting offset: 0\n');
    expect(missing.stderr).to.equal('Error: /nonexistent/00000000000000000000.log does not exist\n');
    const size = await dump('--files', file('.index'), '--max-message-size', '0');
    expect(size.code).to.equal(1);
    expect(size.stderr).to.match(/^Error: .*--max-message-size/);
    const unknown = await dump('--files', '/tmp/notes.txt');
    expect(unknown.code).to.equal(0);
    expect(unknown.stderr).to.equal('Ignoring unknown file /tmp/notes.txt\n');
  });
});
