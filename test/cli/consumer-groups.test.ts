import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ConsumerGroupDescription, ConsumerGroupListing, DeleteOffsetsResult, GroupOffset } from '../../lib/client/admin-groups';
import type { TopicPartition } from '../../lib/client/partition-state';
import type { TopicPartitionOffset } from '../../lib/client/offset-committer';
import { GroupsBackend, main } from '../../lib/cli/consumer-groups';
import { parseDateTime, parseDuration } from '../../lib/cli/consumer-groups-options';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { CapturedIo, captureIo } from './capture-io';

const COORDINATOR = { nodeId: 1, host: 'localhost', port: 9092 };

/** Groups, committed offsets and partition logs held in memory, answering like the Admin client. */
class MemoryGroupsBackend implements GroupsBackend {
  groups = new Map<string, ConsumerGroupDescription>();
  offsets = new Map<string, GroupOffset[]>();
  /** topic → [earliest, latest] per partition. */
  logs = new Map<string, Array<[number, number]>>();
  altered: Array<{ groupId: string; offsets: TopicPartitionOffset[] }> = [];
  deleted: string[] = [];
  /** Topics a member of the group subscribes to (OffsetDelete refuses them). */
  subscribed = new Set<string>();

  group(groupId: string, state: string, members: ConsumerGroupDescription['members'] = [], assignor = 'range'): this {
    this.groups.set(groupId, { groupId, state, protocolType: 'consumer', partitionAssignor: assignor, members, coordinator: COORDINATOR });
    return this;
  }

  async listConsumerGroups(states: string[] = []): Promise<ConsumerGroupListing[]> {
    return [...this.groups.values()]
      .filter((g) => states.length === 0 || states.includes(g.state))
      .map((g) => ({ groupId: g.groupId, protocolType: 'consumer', state: g.state }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  async describeConsumerGroups(ids: string[]): Promise<ConsumerGroupDescription[]> {
    return ids.map((id) => this.groups.get(id) ?? { groupId: id, state: 'Dead', protocolType: '', partitionAssignor: '', members: [], coordinator: COORDINATOR });
  }

  async listConsumerGroupOffsets(groupId: string): Promise<GroupOffset[]> {
    return this.offsets.get(groupId) ?? [];
  }

  async alterConsumerGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    this.altered.push({ groupId, offsets });
  }

  async deleteConsumerGroups(ids: string[]): Promise<Map<string, SamsaError | null>> {
    return new Map(ids.map((id) => {
      const g = this.groups.get(id);
      if (!g) return [id, new SamsaError(ErrorCode.GROUP_ID_NOT_FOUND, 'The group id does not exist.')];
      if (g.state !== 'Empty') return [id, new SamsaError(ErrorCode.NON_EMPTY_GROUP, 'The group is not empty.')];
      this.deleted.push(id);
      return [id, null];
    }));
  }

  async deleteConsumerGroupOffsets(groupId: string, partitions: TopicPartition[]): Promise<DeleteOffsetsResult> {
    const g = this.groups.get(groupId);
    if (!g) {
      const error = new SamsaError(ErrorCode.GROUP_ID_NOT_FOUND, 'The group id does not exist.');
      return { groupError: error, partitions: partitions.map((tp) => ({ ...tp, error })) };
    }
    return {
      groupError: null,
      partitions: partitions.map((tp) => {
        if (!this.logs.get(tp.topic)?.[tp.partition]) return { ...tp, error: new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.message) };
        if (g.state !== 'Empty' && this.subscribed.has(tp.topic)) return { ...tp, error: new SamsaError(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC.message) };
        this.offsets.set(groupId, (this.offsets.get(groupId) ?? []).filter((o) => o.topic !== tp.topic || o.partition !== tp.partition));
        return { ...tp, error: null };
      }),
    };
  }

  async describeTopics(names: string[]): Promise<Array<{ name: string; partitions: Array<{ partition: number }> }>> {
    return names.map((name) => {
      const log = this.logs.get(name);
      if (!log) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
      return { name, partitions: log.map((_, partition) => ({ partition })) };
    });
  }

  async listOffsets(topic: string, partition: number, spec: 'earliest' | 'latest' | number): Promise<number> {
    const [earliest, latest] = this.logs.get(topic)![partition];
    if (spec === 'earliest') return earliest;
    if (spec === 'latest') return latest;
    return spec <= 1000 ? Math.max(earliest, Math.min(latest, 3)) : -1;
  }

  async close(): Promise<void> {}
}

async function run(argv: string[], backend = new MemoryGroupsBackend()): Promise<{ code: number; io: CapturedIo; backend: MemoryGroupsBackend }> {
  const io = captureIo();
  const code = await main(argv, io, { openBackend: async () => backend });
  return { code, io, backend };
}

const BOOTSTRAP = ['--bootstrap-server', 'localhost:9092'];

async function expectUsage(argv: string[], message: string): Promise<void> {
  const { code, io } = await run(argv);
  expect(code, io.stderrText()).to.equal(1);
  expect(io.stderrText()).to.equal(`Error: ${message}\nTry 'samsa-consumer-groups --help' for more information.\n`);
}

/** orders: 2 partitions; group g: member m1 holds both and has committed 3 of 10 and 5 of 5; legacy-0 is committed but unassigned. */
function stableBackend(): MemoryGroupsBackend {
  const b = new MemoryGroupsBackend();
  b.logs.set('orders', [[0, 10], [0, 5]]);
  b.logs.set('legacy', [[0, 7]]);
  b.group('g', 'Stable', [
    { memberId: 'consumer-g-1-3f1a', groupInstanceId: null, clientId: 'consumer-g-1', host: '/127.0.0.1', assignment: [{ topic: 'orders', partition: 1 }, { topic: 'orders', partition: 0 }] },
    { memberId: 'consumer-g-2-77b0', groupInstanceId: null, clientId: 'consumer-g-2', host: '/127.0.0.1', assignment: [] },
  ]);
  b.offsets.set('g', [
    { topic: 'orders', partition: 0, offset: 3, metadata: '' },
    { topic: 'orders', partition: 1, offset: 5, metadata: '' },
    { topic: 'legacy', partition: 0, offset: 2, metadata: '' },
  ]);
  return b;
}

describe('cli/consumer-groups', () => {
  describe('argument validation', () => {
    it('requires --bootstrap-server and exactly one action', async () => {
      await expectUsage(['--list'], 'Missing required argument "[bootstrap-server]"');
      await expectUsage([...BOOTSTRAP], 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
      await expectUsage([...BOOTSTRAP, '--list', '--delete', '--group', 'g'], 'Option "[group]" can\'t be used with option "[list]"');
      await expectUsage([...BOOTSTRAP, '--describe', '--delete', '--group', 'g'], 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
    });

    it("applies Kafka's rules for --describe", async () => {
      await expectUsage([...BOOTSTRAP, '--describe'], 'Option [describe] takes one of these options: [group], [all-groups]');
      await expectUsage([...BOOTSTRAP, '--describe', '--group', 'g', '--members', '--state'], 'Option [describe] takes at most one of these options: [members], [offsets], [state]');
      await expectUsage([...BOOTSTRAP, '--describe', '--group', 'g', '--state', 'stable'], 'Option [describe] does not take a value for [state]');
      await expectUsage([...BOOTSTRAP, '--describe', '--group', 'g', '--topic', 't'], 'Option "[topic]" can\'t be used with option "[describe]"');
      await expectUsage([...BOOTSTRAP, '--describe', '--group', 'g', '--all-groups'], 'Option "[group]" can\'t be used with option "[all-groups]"');
      await expectUsage([...BOOTSTRAP, '--list', '--members'], 'Option(s) [members] are unavailable given other options on the command line');
    });

    it("applies Kafka's rules for --delete and --reset-offsets", async () => {
      await expectUsage([...BOOTSTRAP, '--delete'], 'Option [delete] takes one of these options: [group], [all-groups]');
      await expectUsage([...BOOTSTRAP, '--delete', '--group', 'g', '--topic', 't'], 'The consumer does not support topic-specific offset deletion from a consumer group.');
      await expectUsage([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--to-earliest', '--dry-run', '--execute'], 'Option [reset-offsets] only accepts one of [execute] and [dry-run]');
      await expectUsage([...BOOTSTRAP, '--reset-offsets', '--to-earliest', '--execute'], 'Option [reset-offsets] takes one of these options: [group], [all-groups]');
      await expectUsage([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--to-earliest', '--to-offset', '3', '--execute'], 'Option "[to-offset]" can\'t be used with option "[to-earliest]"');
      await expectUsage([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 't', '--execute'],
        "Option '[reset-offsets]' requires one of the following scenarios: [to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]");
      await expectUsage([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 't', '--by-duration', 'PT1H', '--from-file', 'x.csv'], 'Option "[by-duration]" can\'t be used with option "[from-file]"');
      await expectUsage([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 't', '--by-duration', '1 hour'],
        "Invalid --by-duration '1 hour': expected an ISO-8601 duration 'PnDTnHnMnS', such as 'PT15M' or 'P1DT2H'");
      await expectUsage([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 't:x', '--to-earliest', '--execute'], "Invalid --topic 't:x': expected topic or topic:partition,partition,...");
    });

    it("applies Kafka's rules for --delete-offsets", async () => {
      await expectUsage([...BOOTSTRAP, '--delete-offsets', '--group', 'g'], 'Option [delete-offsets] takes the following options: [group], [topic]');
      await expectUsage([...BOOTSTRAP, '--delete-offsets', '--topic', 't'], 'Option [delete-offsets] takes the following options: [group], [topic]');
      await expectUsage([...BOOTSTRAP, '--delete-offsets', '--group', 'g', '--group', 'h', '--topic', 't'], 'Found multiple arguments for option group, but you asked for only one');
    });

    it('parses ISO-8601 durations as Java does', () => {
      expect(parseDuration('PT15M')).to.equal(15 * 60000);
      expect(parseDuration('P1DT2H')).to.equal(26 * 3600000);
      expect(parseDuration('pt0.5s')).to.equal(500);
      expect(parseDuration('-PT1H30M')).to.equal(-5400000);
      for (const bad of ['P', 'PT', '15M', 'P1H', 'P1DT']) expect(() => parseDuration(bad), bad).to.throw('Invalid --by-duration');
    });

    it('rejects unknown flags and unparseable datetimes', async () => {
      await expectUsage([...BOOTSTRAP, '--list', '--frobnicate'], "unknown option '--frobnicate'");
      const { code, io } = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--all-topics', '--to-datetime', 'yesterday', '--execute']);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.contain("Error parsing timestamp 'yesterday'");
    });

    it('parses datetimes in local time or with a zone', () => {
      expect(parseDateTime('2024-03-01T10:00:00.000Z')).to.equal(Date.UTC(2024, 2, 1, 10));
      expect(parseDateTime('2024-03-01T10:00:00+0100')).to.equal(Date.UTC(2024, 2, 1, 9));
      expect(parseDateTime('2024-03-01T10:00:00.500')).to.equal(new Date(2024, 2, 1, 10, 0, 0, 500).getTime());
    });
  });

  describe('--list', () => {
    it('prints one group id per line, or a GROUP STATE table with --state', async () => {
      const backend = new MemoryGroupsBackend().group('payments', 'Stable').group('audit', 'Empty');
      const plain = await run([...BOOTSTRAP, '--list'], backend);
      expect(plain.code).to.equal(0);
      expect(plain.io.stdoutText()).to.equal('audit\npayments\n');
      const states = await run([...BOOTSTRAP, '--list', '--state'], backend);
      expect(states.io.stdoutText()).to.equal('GROUP           STATE\naudit           Empty\npayments        Stable\n');
      const filtered = await run([...BOOTSTRAP, '--list', '--state', 'stable'], backend);
      expect(filtered.io.stdoutText()).to.equal('GROUP           STATE\npayments        Stable\n');
    });
  });

  describe('--describe', () => {
    it('lists assigned partitions by member, then committed partitions nobody holds, with lag', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--describe', '--group', 'g'], stableBackend());
      expect(code).to.equal(0);
      expect(io.stderrText()).to.equal('');
      expect(io.stdoutText()).to.equal([
        '',
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID       HOST            CLIENT-ID',
        'g               orders          0          3               10              7               consumer-g-1-3f1a /127.0.0.1      consumer-g-1',
        'g               orders          1          5               5               0               consumer-g-1-3f1a /127.0.0.1      consumer-g-1',
        'g               legacy          0          2               7               5               -                 -               -',
        '',
      ].join('\n'));
    });

    it('says an empty group has no active members and still shows its offsets', async () => {
      const backend = stableBackend().group('g', 'Empty');
      const { code, io } = await run([...BOOTSTRAP, '--describe', '--group', 'g', '--offsets'], backend);
      expect(code).to.equal(0);
      expect(io.stderrText()).to.equal("\nConsumer group 'g' has no active members.\n");
      expect(io.stdoutText().split('\n')[4]).to.equal('g               orders          1          5               5               0               -               -               -');
    });

    it('reports a group that does not exist and exits 1', async () => {
      const { code, io } = await run([...BOOTSTRAP, '--describe', '--group', 'nope']);
      expect(code).to.equal(1);
      expect(io.stdoutText()).to.equal('');
      expect(io.stderrText()).to.equal("\nError: Consumer group 'nope' does not exist.\n");
    });

    it('describes members, with their assignments under --verbose', async () => {
      const { io } = await run([...BOOTSTRAP, '--describe', '--group', 'g', '--members', '--verbose'], stableBackend());
      expect(io.stdoutText()).to.equal([
        '',
        'GROUP           CONSUMER-ID       HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT',
        'g               consumer-g-1-3f1a /127.0.0.1      consumer-g-1    2               orders(0,1)',
        'g               consumer-g-2-77b0 /127.0.0.1      consumer-g-2    0               -',
        '',
      ].join('\n'));
      const terse = await run([...BOOTSTRAP, '--describe', '--group', 'g', '--members'], stableBackend());
      expect(terse.io.stdoutText().split('\n')[1]).to.equal('GROUP           CONSUMER-ID       HOST            CLIENT-ID       #PARTITIONS     ');
    });

    it('describes the state with the coordinator, assignor and member count', async () => {
      const { io } = await run([...BOOTSTRAP, '--describe', '--group', 'g', '--state'], stableBackend());
      expect(io.stdoutText()).to.equal([
        '',
        'GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS',
        'g               localhost:9092 (1)        range                Stable          2',
        '',
      ].join('\n'));
    });
  });

  describe('--reset-offsets', () => {
    it("refuses while the group has active members, with Kafka's message", async () => {
      const { code, io, backend } = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest', '--execute'], stableBackend());
      expect(code).to.equal(1);
      expect(io.stderrText()).to.equal("\nError: Assignments can only be reset if the group 'g' is inactive, but the current state is Stable.\n");
      expect(backend.altered).to.deep.equal([]);
    });

    it('prints the plan without changing anything on a dry run, and applies it with --execute', async () => {
      const backend = stableBackend().group('g', 'Empty');
      const dry = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-earliest'], backend);
      expect(dry.code).to.equal(0);
      expect(dry.io.stderrText()).to.contain('WARN: No action will be performed as the --execute option is missing.');
      expect(dry.io.stdoutText()).to.equal([
        '',
        'GROUP                          TOPIC                          PARTITION  NEW-OFFSET     ',
        'g                              orders                         0          0              ',
        'g                              orders                         1          0              ',
        '',
      ].join('\n'));
      expect(backend.altered).to.deep.equal([]);
      const applied = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 'orders:1', '--to-latest', '--execute'], backend);
      expect(applied.code).to.equal(0);
      expect(applied.io.stderrText()).to.equal('');
      expect(backend.altered).to.deep.equal([{ groupId: 'g', offsets: [{ topic: 'orders', partition: 1, offset: 5 }] }]);
    });

    it('shifts committed offsets and clamps them into the log with a warning', async () => {
      const backend = stableBackend().group('g', 'Empty');
      const { code, io } = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--all-topics', '--shift-by', '4', '--execute'], backend);
      expect(code).to.equal(0);
      expect(io.stderrText()).to.equal('New offset (9) is higher than latest offset for topic partition orders-1. Value will be set to 5\n');
      expect(backend.altered[0].offsets).to.deep.equal([
        { topic: 'legacy', partition: 0, offset: 6 }, { topic: 'orders', partition: 0, offset: 7 }, { topic: 'orders', partition: 1, offset: 5 },
      ]);
    });

    it('moves to the first offset at a datetime, or the log end when nothing is that recent', async () => {
      const backend = stableBackend().group('g', 'Empty');
      await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-datetime', '1970-01-01T00:00:00.500Z', '--execute'], backend);
      await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-datetime', '2100-01-01T00:00:00.000Z', '--execute'], backend);
      expect(backend.altered.map((a) => a.offsets.map((o) => o.offset))).to.deep.equal([[3, 3], [10, 5]]);
    });

    it('needs a scope and a committed offset to shift from', async () => {
      const backend = stableBackend().group('g', 'Empty');
      const noScope = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--to-earliest', '--execute'], backend);
      expect(noScope.code).to.equal(1);
      expect(noScope.io.stderrText()).to.contain('One of the reset scopes should be defined: --all-topics, --topic.');
      backend.logs.set('fresh', [[0, 4]]);
      const noCommit = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 'fresh', '--shift-by', '-1', '--execute'], backend);
      expect(noCommit.code).to.equal(1);
      expect(noCommit.io.stderrText()).to.contain('Cannot shift offset for partition fresh-0 since there is no current committed offset');
    });
  });

  describe('--delete', () => {
    it("reports success in Kafka's words, and each failure", async () => {
      const backend = new MemoryGroupsBackend().group('old', 'Empty').group('busy', 'Stable');
      const ok = await run([...BOOTSTRAP, '--delete', '--group', 'old'], backend);
      expect(ok.code).to.equal(0);
      expect(ok.io.stdoutText()).to.equal("Deletion of requested consumer groups ('old') was successful.\n");
      const failed = await run([...BOOTSTRAP, '--delete', '--group', 'busy'], backend);
      expect(failed.code).to.equal(1);
      expect(failed.io.stderrText()).to.equal("\nError: Deletion of some consumer groups failed:\n* Group 'busy' could not be deleted due to: NON_EMPTY_GROUP: The group is not empty.\n");
    });
  });

  describe('--delete-offsets', () => {
    it('deletes offsets of an empty group and prints the TOPIC PARTITION STATUS table', async () => {
      const backend = stableBackend().group('g', 'Empty');
      const { code, io } = await run([...BOOTSTRAP, '--delete-offsets', '--group', 'g', '--topic', 'orders', '--topic', 'legacy:0'], backend);
      expect(code).to.equal(0);
      expect(io.stderrText()).to.equal('');
      expect(io.stdoutText()).to.equal([
        'Request succeed for deleting offsets with topic orders, legacy:0 group g',
        '',
        'TOPIC                          PARTITION       STATUS         ',
        'legacy                         0               Successful     ',
        'orders                         0               Successful     ',
        'orders                         1               Successful     ',
        '',
      ].join('\n'));
      expect(backend.offsets.get('g')).to.deep.equal([]);
    });

    it('reports partition errors (subscribed topic, unknown topic) and a missing group with exit code 1', async () => {
      const backend = stableBackend();
      backend.subscribed.add('orders');
      const busy = await run([...BOOTSTRAP, '--delete-offsets', '--group', 'g', '--topic', 'orders:0', '--topic', 'legacy', '--topic', 'ghost'], backend);
      expect(busy.code).to.equal(1);
      expect(busy.io.stderrText()).to.equal('\nError: Encounter some partition level error, see the follow-up details:\n');
      expect(busy.io.stdoutText()).to.equal([
        '',
        'TOPIC                          PARTITION       STATUS         ',
        "ghost                          Not Provided    Error: Topic 'ghost' does not exist.",
        'legacy                         0               Successful     ',
        'orders                         0               Error: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
        '',
      ].join('\n'));
      const missing = await run([...BOOTSTRAP, '--delete-offsets', '--group', 'nope', '--topic', 'orders:1'], backend);
      expect(missing.code).to.equal(1);
      expect(missing.io.stderrText()).to.equal("\nError: 'nope' does not exist.\n");
      expect(missing.io.stdoutText()).to.contain('orders                         1               Error: The group id does not exist.');
    });
  });

  describe('--reset-offsets --by-duration, --export and --from-file', () => {
    it('resets to the offset at now minus the duration', async () => {
      const backend = stableBackend().group('g', 'Empty');
      const seen: Array<'earliest' | 'latest' | number> = [];
      const listOffsets = backend.listOffsets.bind(backend);
      backend.listOffsets = async (t, p, spec) => { seen.push(spec); return listOffsets(t, p, spec); };
      const before = Date.now();
      const { code } = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--topic', 'orders:0', '--by-duration', 'PT1H', '--execute'], backend);
      expect(code).to.equal(0);
      const asked = seen.find((s) => typeof s === 'number') as number;
      expect(asked).to.be.within(before - 3600000 - 1000, Date.now() - 3600000);
      expect(backend.altered[0].offsets).to.deep.equal([{ topic: 'orders', partition: 0, offset: 10 }]);
    });

    it('exports the plan as Kafka\'s CSV and applies it back from the file, clamped into the log', async () => {
      const backend = stableBackend().group('g', 'Empty');
      const exported = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest', '--dry-run', '--export'], backend);
      expect(exported.code).to.equal(0);
      expect(exported.io.stdoutText()).to.equal('legacy,0,0\norders,0,0\norders,1,0\n\n');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-reset-plan-'));
      const file = path.join(dir, 'plan.csv');
      fs.writeFileSync(file, 'orders,0,4\norders,1,99\n');
      const applied = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--from-file', file, '--execute'], backend);
      expect(applied.code).to.equal(0);
      expect(applied.io.stderrText()).to.equal('New offset (99) is higher than latest offset for topic partition orders-1. Value will be set to 5\n');
      expect(backend.altered).to.deep.equal([{ groupId: 'g', offsets: [{ topic: 'orders', partition: 0, offset: 4 }, { topic: 'orders', partition: 1, offset: 5 }] }]);
      fs.writeFileSync(file, 'other,orders,0,1\n');
      const noPlan = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--from-file', file, '--execute'], backend);
      expect(noPlan.io.stderrText()).to.equal('\nError: No reset plan for group g found\n');
      fs.writeFileSync(file, 'orders;0;1\n');
      const bad = await run([...BOOTSTRAP, '--reset-offsets', '--group', 'g', '--from-file', file, '--execute'], backend);
      expect(bad.code).to.equal(1);
      expect(bad.io.stderrText()).to.equal(`Error: Executing consumer group command failed due to line 1 of ${file} ('orders;0;1') is not topic,partition,offset or group,topic,partition,offset\n`);
    });
  });
});
