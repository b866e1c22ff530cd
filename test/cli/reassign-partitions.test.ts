import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type {
  ClusterDescription, NewPartitionReassignment, PartitionReassignment, PartitionResult, TopicDescription,
} from '../../lib/client/admin';
import type { ReplicaLogDirMove } from '../../lib/client/admin-log-dirs';
import { unknownTopicError, userError } from '../../lib/client/client-errors';
import type { TopicPartition } from '../../lib/client/partition-state';
import type { AlterConfigOp, AlterConfigsResult, ConfigResource } from '../../lib/client/admin-configs';
import { ReassignAdmin, main } from '../../lib/cli/reassign-partitions';
import { formatReassignmentJson, parseBrokerList, parseReassignmentJson, parseTopicsToMoveJson } from '../../lib/cli/reassign-partitions-json';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { CapturedIo, captureIo } from './capture-io';

/** A cluster of brokers and topics (partition → replicas) with reassignments the test sets up. */
class FakeReassignAdmin implements ReassignAdmin {
  readonly altered: NewPartitionReassignment[][] = [];
  ongoing: PartitionReassignment[] = [];
  /** Per-partition failures for alterPartitionReassignments, keyed `t-0`. */
  readonly alterErrors = new Map<string, string>();
  closed = false;

  constructor(readonly topics: Record<string, number[][]>, readonly brokers = [1, 2, 3]) {}

  async connect(): Promise<void> {}

  async describeTopics(names: string[]): Promise<TopicDescription[]> {
    return names.map((name) => {
      const partitions = this.topics[name];
      if (!partitions) throw unknownTopicError(name);
      return {
        name, internal: false, configs: {},
        partitions: partitions.map((replicas, partition) => ({ partition, leader: replicas[0], leaderEpoch: 0, replicas, isr: replicas, offlineReplicas: [] })),
      };
    });
  }

  async describeCluster(): Promise<ClusterDescription> {
    return { clusterId: 'c', controllerId: 1, brokers: this.brokers.map((nodeId) => ({ nodeId, host: 'h', port: 1, rack: null })) };
  }

  async listPartitionReassignments(partitions: TopicPartition[] | null): Promise<PartitionReassignment[]> {
    if (partitions === null) return this.ongoing;
    return this.ongoing.filter((r) => partitions.some((p) => p.topic === r.topic && p.partition === r.partition));
  }

  async alterPartitionReassignments(reassignments: NewPartitionReassignment[]): Promise<PartitionResult[]> {
    this.altered.push(reassignments);
    return reassignments.map(({ topic, partition }) => {
      const message = this.alterErrors.get(`${topic}-${partition}`);
      return { topic, partition, error: message === undefined ? null : userError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message) };
    });
  }

  /** AlterReplicaLogDirs calls; each answers REPLICA_NOT_AVAILABLE for replicas listed in `notYetThere` (then forgets them). */
  readonly dirMoves: ReplicaLogDirMove[][] = [];
  notYetThere = new Set<string>();

  async alterReplicaLogDirs(moves: ReplicaLogDirMove[]): Promise<Array<SamsaError | null>> {
    this.dirMoves.push(moves);
    return moves.map((m) => {
      const name = `${m.topic}-${m.partition}-${m.brokerId}`;
      if (m.logDir === '/missing') return userError(ErrorCode.LOG_DIR_NOT_FOUND, 'no such log dir');
      if (!this.notYetThere.delete(name)) return null;
      return userError(ErrorCode.REPLICA_NOT_AVAILABLE, 'not there yet');
    });
  }

  /** Every IncrementalAlterConfigs call, as `type:name op key[=value]` strings. */
  readonly configOps: string[] = [];

  async incrementalAlterConfigs(changes: Array<{ resource: ConfigResource; ops: AlterConfigOp[] }>): Promise<AlterConfigsResult> {
    for (const { resource, ops } of changes) {
      for (const op of ops) this.configOps.push(`${resource.type}:${resource.name} ${op.op} ${op.name}${op.value === undefined ? '' : `=${op.value}`}`);
    }
    return new Map(changes.map(({ resource }) => [`${resource.type}:${resource.name}`, null]));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const BOOTSTRAP = ['--bootstrap-server', 'localhost:9092'];

describe('cli/reassign-partitions', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-reassign-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: unknown): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  }

  async function run(argv: string[], admin: FakeReassignAdmin): Promise<{ code: number; io: CapturedIo }> {
    const io = captureIo();
    const code = await main(argv, io, { createAdmin: () => admin, random: () => 0 });
    return { code, io };
  }

  const moveT = () => file('move.json', { version: 1, partitions: [
    { topic: 't', partition: 1, replicas: [3, 1], log_dirs: ['any', 'any'] },
    { topic: 't', partition: 0, replicas: [2, 3] },
  ] });

  describe('argument validation', () => {
    const admin = new FakeReassignAdmin({});

    it('requires exactly one action and --bootstrap-server', async () => {
      const none = await run([...BOOTSTRAP], admin);
      expect(none.code).to.equal(1);
      expect(none.io.stderrText()).to.contain('Command must include exactly one action: --generate, --execute, --verify, --cancel, --list');
      const noServer = await run(['--list'], admin);
      expect(noServer.io.stderrText()).to.contain('Please specify --bootstrap-server');
    });

    it('requires each action\'s files and refuses options the action does not take', async () => {
      const execute = await run([...BOOTSTRAP, '--execute'], admin);
      expect(execute.code).to.equal(1);
      expect(execute.io.stderrText()).to.contain('Missing required argument "[reassignment-json-file]"');
      const generate = await run([...BOOTSTRAP, '--generate', '--topics-to-move-json-file', 'x.json'], admin);
      expect(generate.io.stderrText()).to.contain('Missing required argument "[broker-list]"');
      const verify = await run([...BOOTSTRAP, '--verify', '--reassignment-json-file', 'x.json', '--timeout', '5'], admin);
      expect(verify.code).to.equal(1);
      expect(verify.io.stderrText()).to.contain('Option "[timeout]" can\'t be used with action "[verify]"');
      const list = await run([...BOOTSTRAP, '--list', '--additional'], admin);
      expect(list.io.stderrText()).to.contain('Option "[additional]" can\'t be used with action "[list]"');
    });

    it('takes --throttle only with --execute', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--verify', '--reassignment-json-file', moveT(), '--throttle', '1000'], admin);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.contain('Option "[throttle]" can\'t be used with action "[verify]"');
    });
  });

  describe('--execute', () => {
    it('prints the current assignment for rollback, then starts the reassignments', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2], [2, 3], [3, 1]] });
      const { code, io } = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', moveT()], admin);
      expect(code, io.stderrText()).to.equal(0);
      expect(io.stdoutText()).to.equal(
        'Current partition replica assignment\n\n' +
        '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},' +
        '{"topic":"t","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}\n\n' +
        'Save this to use as the --reassignment-json-file option during rollback\n' +
        'Successfully started partition reassignments for t-0,t-1\n');
      expect(admin.altered).to.deep.equal([[{ topic: 't', partition: 1, replicas: [3, 1] }, { topic: 't', partition: 0, replicas: [2, 3] }]]);
      expect(admin.closed).to.equal(true);
    });

    it('moves replicas given a log_dirs entry to that directory once they are on their broker', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2]] });
      admin.notYetThere.add('t-0-3');
      const json = file('dirs.json', { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [1, 3], log_dirs: ['/data/b', '/data/a'] }] });
      const { code, io } = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', json], admin);
      expect(code, io.stderrText()).to.equal(0);
      expect(admin.altered).to.deep.equal([[{ topic: 't', partition: 0, replicas: [1, 3] }]]);
      expect(io.stdoutText()).to.contain('Successfully started partition reassignment for t-0\n'
        + 'Successfully started log directory move for: t-0-1\n'
        + 'Successfully started log directory move for: t-0-3\n');
      expect(admin.dirMoves.map((call) => call.length)).to.deep.equal([2, 1]);
      const bad = file('bad-dir.json', { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [1], log_dirs: ['/missing'] }] });
      const failed = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', bad, '--additional'], new FakeReassignAdmin({ t: [[1, 2]] }));
      expect(failed.code).to.equal(1);
      expect(failed.io.stderrText()).to.contain('Failed to alter dir for t-0-1: ');
    });

    it('sets Kafka\'s replication throttles with --throttle: replica lists per topic, rates per broker involved', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2], [2, 3]] });
      const { code, io } = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', moveT(), '--throttle', '50000'], admin);
      expect(code, io.stderrText()).to.equal(0);
      expect(io.stdoutText()).to.contain('Save this to use as the --reassignment-json-file option during rollback\n'
        + 'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.\n'
        + 'The inter-broker throttle limit was set to 50000 B/s\n'
        + 'Successfully started partition reassignments for t-0,t-1\n');
      expect(admin.configOps).to.deep.equal([
        'topic:t set leader.replication.throttled.replicas=0:1,0:2,1:2,1:3',
        'topic:t set follower.replication.throttled.replicas=0:3,1:1',
        ...[1, 2, 3].flatMap((b) => [`broker:${b} set leader.replication.throttled.rate=50000`, `broker:${b} set follower.replication.throttled.rate=50000`]),
      ]);
    });

    it('refuses to start while another reassignment runs, unless --additional', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2], [2, 3]] });
      admin.ongoing = [{ topic: 't', partition: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }];
      const refused = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', moveT()], admin);
      expect(refused.code).to.equal(1);
      expect(refused.io.stderrText()).to.contain('Cannot execute because there is an existing partition assignment.  Use --additional to override this');
      expect(admin.altered).to.have.length(0);
      const additional = await run([...BOOTSTRAP, '--execute', '--additional', '--reassignment-json-file', moveT()], admin);
      expect(additional.code, additional.io.stderrText()).to.equal(0);
    });

    it('rejects unknown brokers, topics and partitions before asking the controller', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2]] });
      const broker = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file',
        file('b.json', { partitions: [{ topic: 't', partition: 0, replicas: [1, 9] }] })], admin);
      expect(broker.code).to.equal(1);
      expect(broker.io.stderrText()).to.equal('Error: Unknown broker id 9\n');
      const topic = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file',
        file('t.json', { partitions: [{ topic: 'nope', partition: 0, replicas: [1] }] })], admin);
      expect(topic.io.stderrText()).to.equal('Error: Topic nope not found.\n');
      const partition = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', moveT()], admin);
      expect(partition.io.stderrText()).to.equal('Error: Unable to find partition: t-1\n');
      expect(admin.altered).to.have.length(0);
    });

    it('lists the partitions the controller refused and exits with 1', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2], [2, 3]] });
      admin.alterErrors.set('t-1', 'Replica 3 is not alive.');
      const { code, io } = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', moveT()], admin);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.equal('Error reassigning partition(s):\nt-1: Replica 3 is not alive.\n');
    });

    it('validates the file as Kafka does: empty, duplicates, empty replica lists', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2]] });
      const cases: Array<[unknown, string]> = [
        [{ version: 1, partitions: [] }, 'Partition reassignment list cannot be empty'],
        [{ partitions: [{ topic: 't', partition: 0, replicas: [] }] }, 'Partition replica list cannot be empty'],
        [{ partitions: [{ topic: 't', partition: 0, replicas: [1] }, { topic: 't', partition: 0, replicas: [2] }] },
          'Partition reassignment contains duplicate topic partitions: t-0'],
        [{ partitions: [{ topic: 't', partition: 0, replicas: [1, 1] }] }, 'Partition replica lists may not contain duplicate entries: t-0 contains multiple entries for 1'],
        [{ partitions: [{ topic: 't', partition: 0, replicas: [1, 2], log_dirs: ['any'] }] },
          'Size of replicas list [1, 2] is different from size of log dirs list [any] for partition t-0'],
        [{ version: 2, partitions: [] }, 'Not supported version field value 2'],
      ];
      for (const [content, message] of cases) {
        const { code, io } = await run([...BOOTSTRAP, '--execute', '--reassignment-json-file', file('bad.json', content)], admin);
        expect(code, message).to.equal(1);
        expect(io.stderrText()).to.equal(`Error: ${message}\n`);
      }
      expect(admin.altered).to.have.length(0);
    });
  });

  describe('--verify', () => {
    it('clears every throttle once nothing named is moving, unless --preserve-throttles', async () => {
      const admin = new FakeReassignAdmin({ t: [[2, 3], [3, 1]] });
      const preserved = await run([...BOOTSTRAP, '--verify', '--preserve-throttles', '--reassignment-json-file', moveT()], admin);
      expect(preserved.code, preserved.io.stderrText()).to.equal(0);
      expect(admin.configOps).to.deep.equal([]);
      const { code, io } = await run([...BOOTSTRAP, '--verify', '--reassignment-json-file', moveT()], admin);
      expect(code, io.stderrText()).to.equal(0);
      expect(io.stdoutText()).to.equal(
        'Status of partition reassignment:\n' +
        'Reassignment of partition t-0 is completed.\n' +
        'Reassignment of partition t-1 is completed.\n\n' +
        'Clearing broker-level throttles on brokers 1,2,3\n' +
        'Clearing topic-level throttles on topic t\n');
      expect(admin.configOps).to.include.members([
        'broker:2 delete leader.replication.throttled.rate', 'broker:2 delete follower.replication.throttled.rate',
        'topic:t delete leader.replication.throttled.replicas', 'topic:t delete follower.replication.throttled.replicas',
      ]);
    });

    it('reports completed, in-progress and diverged partitions in order', async () => {
      const admin = new FakeReassignAdmin({ t: [[2, 3], [2, 3], [1, 2]] });
      admin.ongoing = [{ topic: 't', partition: 1, replicas: [2, 3, 1], addingReplicas: [1], removingReplicas: [2] }];
      const json = file('verify.json', { version: 1, partitions: [
        { topic: 't', partition: 2, replicas: [3, 1] },
        { topic: 't', partition: 1, replicas: [3, 1] },
        { topic: 't', partition: 0, replicas: [2, 3] },
      ] });
      const { code, io } = await run([...BOOTSTRAP, '--verify', '--reassignment-json-file', json], admin);
      expect(code, io.stderrText()).to.equal(0);
      expect(io.stdoutText()).to.equal(
        'Status of partition reassignment:\n' +
        'Reassignment of partition t-0 is completed.\n' +
        'Reassignment of partition t-1 is still in progress.\n' +
        'There is no active reassignment of partition t-2, but replica set is 1,2 rather than 3,1.\n\n');
    });
  });

  describe('--cancel and --list', () => {
    it('cancels only the reassignments still moving replicas', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2], [2, 3]] });
      admin.ongoing = [{ topic: 't', partition: 1, replicas: [2, 3, 1], addingReplicas: [1], removingReplicas: [2] }];
      const { code, io } = await run([...BOOTSTRAP, '--cancel', '--reassignment-json-file', moveT()], admin);
      expect(code, io.stderrText()).to.equal(0);
      expect(admin.altered).to.deep.equal([[{ topic: 't', partition: 1, replicas: null }]]);
      expect(io.stdoutText()).to.equal('Successfully cancelled partition reassignment for: t-1\n');
      admin.ongoing = [];
      const idle = await run([...BOOTSTRAP, '--cancel', '--reassignment-json-file', moveT()], admin);
      expect(idle.io.stdoutText()).to.equal('None of the specified partition reassignments are active.\n');
    });

    it('lists ongoing reassignments in Kafka\'s format', async () => {
      const admin = new FakeReassignAdmin({});
      expect((await run([...BOOTSTRAP, '--list'], admin)).io.stdoutText()).to.equal('No partition reassignments found.\n');
      admin.ongoing = [
        { topic: 'u', partition: 0, replicas: [1, 2], addingReplicas: [], removingReplicas: [] },
        { topic: 't', partition: 3, replicas: [2, 3, 1], addingReplicas: [1], removingReplicas: [2] },
      ];
      expect((await run([...BOOTSTRAP, '--list'], admin)).io.stdoutText()).to.equal(
        'Current partition reassignments:\nt-3: replicas: 2,3,1. adding: 1. removing: 2.\nu-0: replicas: 1,2.\n');
    });
  });

  describe('--generate', () => {
    it('proposes Kafka\'s placement over the listed brokers, keeping partition count and replication factor', async () => {
      const admin = new FakeReassignAdmin({ t: [[1, 2], [2, 1], [1, 2]] }, [1, 2, 3, 4]);
      const topics = file('topics.json', { version: 1, topics: [{ topic: 't' }] });
      const { code, io } = await run([...BOOTSTRAP, '--generate', '--topics-to-move-json-file', topics, '--broker-list', '2,3,4,9'], admin);
      expect(code, io.stderrText()).to.equal(0);
      const [currentLabel, currentJson, blank, proposedLabel, proposedJson] = io.stdoutText().split('\n');
      expect([currentLabel, blank, proposedLabel]).to.deep.equal(['Current partition replica assignment', '', 'Proposed partition reassignment configuration']);
      expect(JSON.parse(currentJson).partitions.map((p: { replicas: number[] }) => p.replicas)).to.deep.equal([[1, 2], [2, 1], [1, 2]]);
      // Start index 0 over brokers [2,3,4] (9 is not in the cluster): leaders 2,3,4 and followers shifted by one.
      expect(JSON.parse(proposedJson).partitions.map((p: { replicas: number[] }) => p.replicas)).to.deep.equal([[2, 3], [3, 4], [4, 2]]);
    });

    it('rejects unknown topics, duplicate topics and duplicate brokers', async () => {
      const admin = new FakeReassignAdmin({ t: [[1]] });
      const unknown = await run([...BOOTSTRAP, '--generate', '--topics-to-move-json-file', file('u.json', { topics: [{ topic: 'x' }] }), '--broker-list', '1'], admin);
      expect(unknown.code).to.equal(1);
      expect(unknown.io.stderrText()).to.equal('Error: Topic x not found.\n');
      const tooFew = await run([...BOOTSTRAP, '--generate', '--topics-to-move-json-file', file('t.json', { topics: [{ topic: 't' }] }), '--broker-list', '9'], admin);
      expect(tooFew.io.stderrText()).to.equal('Error: Replication factor: 1 larger than available brokers: 0.\n');
      expect(() => parseTopicsToMoveJson('{"topics":[{"topic":"a"},{"topic":"a"}]}')).to.throw('List of topics to reassign contains duplicate entries: a');
      expect(() => parseBrokerList('1,2,1')).to.throw('Broker list contains duplicate entries: 1');
      expect(() => parseBrokerList('1,x')).to.throw("'x' is not a broker id");
    });
  });

  describe('the reassignment JSON', () => {
    it('round-trips Kafka\'s format, defaulting log_dirs to "any"', () => {
      const targets = parseReassignmentJson('{"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}');
      expect(targets).to.deep.equal([{ topic: 't', partition: 0, replicas: [1, 2] }]);
      expect(formatReassignmentJson(targets)).to.equal('{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}');
    });

    it('reads log directories to move replicas to, and refuses malformed documents', () => {
      expect(parseReassignmentJson('{"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["/data","any"]}]}'))
        .to.deep.equal([{ topic: 't', partition: 0, replicas: [1, 2], logDirs: ['/data', 'any'] }]);
      expect(() => parseReassignmentJson('{"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["/a","/b"]}]}'))
        .to.throw('Size of replicas list [1] is different from size of log dirs list [/a, /b] for partition t-0');
      expect(() => parseReassignmentJson('not json')).to.throw(/not valid JSON/);
      expect(() => parseReassignmentJson('{"partitions":[{"topic":"t","partition":"0","replicas":[1]}]}')).to.throw('"partition" must be an integer');
    });
  });
});
