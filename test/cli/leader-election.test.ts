import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ElectionType, PartitionResult } from '../../lib/client/admin';
import { userError } from '../../lib/client/client-errors';
import type { TopicPartition } from '../../lib/client/partition-state';
import { LeaderElectionAdmin, main } from '../../lib/cli/leader-election';
import { parseElectionJson } from '../../lib/cli/leader-election-options';
import { ErrorCode } from '../../lib/protocol/errors';
import { CapturedIo, captureIo } from './capture-io';

/** Answers every election from a table of per-partition error codes (absent = success). */
class FakeElectionAdmin implements LeaderElectionAdmin {
  readonly calls: Array<{ type: ElectionType; partitions: TopicPartition[] | null }> = [];
  closed = false;
  constructor(private readonly outcomes: PartitionResult[] = []) {}

  async connect(): Promise<void> {}

  async electLeaders(type: ElectionType, partitions: TopicPartition[] | null): Promise<PartitionResult[]> {
    this.calls.push({ type, partitions });
    if (partitions === null) return this.outcomes;
    return partitions.map((tp) => this.outcomes.find((o) => o.topic === tp.topic && o.partition === tp.partition) ?? { ...tp, error: null });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const BOOTSTRAP = ['--bootstrap-server', 'localhost:9092'];

async function run(argv: string[], admin = new FakeElectionAdmin()): Promise<{ code: number; io: CapturedIo; admin: FakeElectionAdmin }> {
  const io = captureIo();
  const code = await main(argv, io, { createAdmin: () => admin });
  return { code, io, admin };
}

function failed(topic: string, partition: number, code: keyof typeof ErrorCode, message: string): PartitionResult {
  return { topic, partition, error: userError(ErrorCode[code], message) };
}

describe('cli/leader-election', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-election-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('argument validation', () => {
    it('requires --bootstrap-server and --election-type, naming what is missing', async () => {
      const { code, io } = await run(['--all-topic-partitions']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.equal("Error: Missing required option(s): bootstrap-server, election-type\nTry 'samsa-leader-election --help' for more information.\n");
    });

    it('requires exactly one of --topic, --all-topic-partitions and --path-to-json-file', async () => {
      const none = await run([...BOOTSTRAP, '--election-type', 'preferred']);
      expect(none.code).to.equal(1);
      expect(none.io.stderrText()).to.contain('One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file');
      const two = await run([...BOOTSTRAP, '--election-type', 'preferred', '--all-topic-partitions', '--topic', 't', '--partition', '0']);
      expect(two.code).to.equal(1);
      expect(two.io.stderrText()).to.contain('One and only one of the following options is required');
    });

    it('requires --partition with --topic and refuses it without', async () => {
      const missing = await run([...BOOTSTRAP, '--election-type', 'preferred', '--topic', 't']);
      expect(missing.code).to.equal(1);
      expect(missing.io.stderrText()).to.contain('Missing required option(s): partition');
      const stray = await run([...BOOTSTRAP, '--election-type', 'preferred', '--all-topic-partitions', '--partition', '0']);
      expect(stray.code).to.equal(1);
      expect(stray.io.stderrText()).to.contain('Option partition is only allowed if topic is used');
    });

    it('rejects an unknown election type and a non-numeric partition', async () => {
      const type = await run([...BOOTSTRAP, '--election-type', 'fastest', '--all-topic-partitions']);
      expect(type.code).to.equal(1);
      expect(type.io.stderrText()).to.match(/^Error: option '--election-type <type>' argument 'fastest' is invalid\. Possible values are "preferred" and "unclean"\./);
      const partition = await run([...BOOTSTRAP, '--election-type', 'preferred', '--topic', 't', '--partition', 'x']);
      expect(partition.code).to.equal(1);
      expect(partition.io.stderrText()).to.contain("argument 'x' is invalid");
    });
  });

  it('accepts the election type in any case and elects one partition', async () => {
    const { code, io, admin } = await run([...BOOTSTRAP, '--election-type', 'PREFERRED', '--topic', 'orders', '--partition', '2']);
    expect(code, io.stderrText()).to.equal(0);
    expect(admin.calls).to.deep.equal([{ type: 'preferred', partitions: [{ topic: 'orders', partition: 2 }] }]);
    expect(io.stdoutText()).to.equal('Successfully completed leader election (PREFERRED) for partitions orders-2\n');
    expect(admin.closed).to.equal(true);
  });

  it('asks for every partition with --all-topic-partitions and sorts the three kinds of lines', async () => {
    const admin = new FakeElectionAdmin([
      { topic: 't', partition: 1, error: null },
      failed('t', 2, 'ELECTION_NOT_NEEDED', 'Leader election not needed for topic partition.'),
      { topic: 'a', partition: 0, error: null },
      failed('t', 0, 'ELECTION_NOT_NEEDED', 'Leader election not needed for topic partition.'),
    ]);
    const { code, io } = await run([...BOOTSTRAP, '--election-type', 'unclean', '--all-topic-partitions'], admin);
    expect(code, io.stderrText()).to.equal(0);
    expect(admin.calls[0]).to.deep.equal({ type: 'unclean', partitions: null });
    expect(io.stdoutText()).to.equal(
      'Successfully completed leader election (UNCLEAN) for partitions a-0, t-1\n' +
      'Valid replica already elected for partitions t-0, t-2\n');
  });

  it('prints one error line per failed partition and fails with the count', async () => {
    const admin = new FakeElectionAdmin([failed('t', 1, 'PREFERRED_LEADER_NOT_AVAILABLE', 'Preferred replica 3 is not alive.')]);
    const file = path.join(dir, 'election.json');
    fs.writeFileSync(file, JSON.stringify({ partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }] }));
    const { code, io } = await run([...BOOTSTRAP, '--election-type', 'preferred', '--path-to-json-file', file], admin);
    expect(code).to.equal(1);
    expect(io.stdoutText()).to.equal(
      'Successfully completed leader election (PREFERRED) for partitions t-0\n' +
      'Error completing leader election (PREFERRED) for partition: t-1: Preferred replica 3 is not alive.\n');
    expect(io.stderrText()).to.equal('1 replica(s) could not be elected\n');
  });

  it('reports a failed request (no controller reachable) with exit code 1 and no stack trace', async () => {
    const admin = new FakeElectionAdmin();
    admin.electLeaders = async () => { throw userError(ErrorCode.NOT_CONTROLLER, 'no controller is elected at the moment'); };
    const { code, io } = await run([...BOOTSTRAP, '--election-type', 'preferred', '--all-topic-partitions'], admin);
    expect(code).to.equal(1);
    expect(io.stderrText()).to.equal('no controller is elected at the moment\n');
  });

  it('fails before connecting when the JSON file is missing or malformed', async () => {
    let created = false;
    const io = captureIo();
    const code = await main([...BOOTSTRAP, '--election-type', 'preferred', '--path-to-json-file', path.join(dir, 'nope.json')], io,
      { createAdmin: () => { created = true; return new FakeElectionAdmin(); } });
    expect(code).to.equal(1);
    expect(created).to.equal(false);
    expect(io.stderrText()).to.contain('nope.json');
  });

  describe('the --path-to-json-file document', () => {
    it('parses Kafka\'s format', () => {
      expect(parseElectionJson('{"partitions":[{"topic":"foo","partition":1},{"topic":"foobar","partition":2}]}'))
        .to.deep.equal([{ topic: 'foo', partition: 1 }, { topic: 'foobar', partition: 2 }]);
    });

    it('rejects empty data, a missing field and duplicates with Kafka\'s messages', () => {
      expect(() => parseElectionJson('')).to.throw('Replica election data is empty');
      expect(() => parseElectionJson('{"version":1}')).to.throw('Replica election data is missing "partitions" field');
      expect(() => parseElectionJson('{"partitions":[{"topic":"t","partition":0},{"topic":"t","partition":0}]}'))
        .to.throw('Replica election data contains duplicate partitions: t-0');
      expect(() => parseElectionJson('{"partitions":[{"topic":"t"}]}')).to.throw(/"partition"/);
    });
  });
});
