import { expect } from 'chai';
import type { AbortTransactionSpec, ProducerState, TransactionDescription, TransactionListing } from '../../lib/client/admin-transactions';
import type { ClientOptions } from '../../lib/client/client-options';
import { main, TransactionsAdmin } from '../../lib/cli/transactions';
import { prettyTable } from '../../lib/cli/transactions-format';
import { SamsaError, ErrorCode } from '../../lib/protocol/errors';
import { captureIo } from './capture-io';

class FakeAdmin implements TransactionsAdmin {
  calls: string[] = [];
  listings: TransactionListing[] = [];
  description: TransactionDescription | Error = new SamsaError(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, 'The transactionalId could not be found.');
  producers: ProducerState[] = [];
  aborted: AbortTransactionSpec[] = [];
  options: ClientOptions | null = null;
  async connect(): Promise<void> { this.calls.push('connect'); }
  async listTransactions(): Promise<TransactionListing[]> { return this.listings; }
  async describeTransaction(id: string): Promise<TransactionDescription> {
    this.calls.push(`describe ${id}`);
    if (this.description instanceof Error) throw this.description;
    return this.description;
  }
  async describeProducers(tp: { topic: string; partition: number }, brokerId?: number): Promise<ProducerState[]> {
    this.calls.push(`producers ${tp.topic}-${tp.partition}${brokerId === undefined ? '' : `@${brokerId}`}`);
    return this.producers;
  }
  async abortTransaction(spec: AbortTransactionSpec): Promise<void> { this.aborted.push(spec); }
  async close(): Promise<void> { this.calls.push('close'); }
}

async function run(args: string[], admin = new FakeAdmin()) {
  const io = captureIo();
  const code = await main(args, io, (o) => { admin.options = o; return admin; }, () => 10_000);
  return { code, out: io.stdoutText(), err: io.stderrText(), admin };
}

const BS = ['--bootstrap-server', 'localhost:9092'];

describe('cli/samsa-transactions', () => {
  it('prints Kafka\'s table: cells padded to the widest value, each followed by a tab', () => {
    expect(prettyTable(['A', 'Long'], [['xyz', '1']])).to.equal('A  \tLong\t\nxyz\t1   \t\n');
  });

  it('lists transactions with the subcommand and with --list, sorted by coordinator and id', async () => {
    const admin = new FakeAdmin();
    admin.listings = [
      { transactionalId: 'b', producerId: 7, state: 'Ongoing', coordinatorId: 2 },
      { transactionalId: 'a', producerId: 12, state: 'CompleteCommit', coordinatorId: 1 },
    ];
    const expected = 'TransactionalId\tCoordinator\tProducerId\tTransactionState\t\n'
      + 'a              \t1          \t12        \tCompleteCommit  \t\n'
      + 'b              \t2          \t7         \tOngoing         \t\n';
    for (const args of [[...BS, 'list'], ['--list', ...BS], [...BS, '--list']]) {
      const r = await run(args, admin);
      expect(r.code, r.err).to.equal(0);
      expect(r.out).to.equal(expected);
    }
    expect(admin.options?.bootstrapServers).to.equal('localhost:9092');
  });

  it('describes a transactional id with its duration and partitions, or None without an open transaction', async () => {
    const admin = new FakeAdmin();
    admin.description = {
      transactionalId: 'tx', coordinatorId: 1, state: 'Ongoing', producerId: 5, producerEpoch: 2, transactionTimeoutMs: 60000,
      transactionStartTimeMs: 4000, topicPartitions: [{ topic: 't', partition: 0 }, { topic: 'u', partition: 3 }],
    };
    const r = await run([...BS, 'describe', '--transactional-id', 'tx'], admin);
    expect(r.code).to.equal(0);
    const [header, row] = r.out.split('\n');
    expect(header.split('\t').map((s) => s.trim())).to.deep.equal(['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState',
      'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions', '']);
    expect(row.split('\t').map((s) => s.trim())).to.deep.equal(['1', 'tx', '5', '2', 'Ongoing', '60000', '4000', '6000', 't-0,u-3', '']);
    admin.description = { ...admin.description, state: 'Empty', transactionStartTimeMs: null, topicPartitions: [] };
    const empty = await run(['--describe', '--transactional-id=tx', ...BS], admin);
    expect(empty.out.split('\n')[1].split('\t').map((s) => s.trim()).slice(4, 9)).to.deep.equal(['Empty', '60000', 'None', 'None', '']);
  });

  it('reports an unknown transactional id as Kafka does and exits 1', async () => {
    const r = await run([...BS, 'describe', '--transactional-id', 'nope']);
    expect(r.code).to.equal(1);
    expect(r.err).to.equal('Failed to describe transaction state of transactional-id `nope`: The transactionalId could not be found.. Enable debug logging for additional detail.\n');
    expect(r.admin.calls).to.include('close');
  });

  it('describes the producers of a partition, with None for no open transaction', async () => {
    const admin = new FakeAdmin();
    admin.producers = [
      { producerId: 3, producerEpoch: 0, lastSequence: 9, lastTimestamp: 1700, coordinatorEpoch: null, currentTransactionStartOffset: null },
      { producerId: 4, producerEpoch: 1, lastSequence: 0, lastTimestamp: 1800, coordinatorEpoch: 2, currentTransactionStartOffset: 42 },
    ];
    const r = await run([...BS, 'describe-producers', '--topic', 't', '--partition', '1', '--broker-id', '2'], admin);
    expect(r.code).to.equal(0);
    expect(admin.calls).to.include('producers t-1@2');
    expect(r.out.split('\n').map((l) => l.split('\t').map((s) => s.trim()).join(' ').trim())).to.deep.equal([
      'ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset',
      '3 0 -1 9 1700 None', '4 1 2 0 1800 42', '']);
  });

  it('aborts by start offset through the producer whose transaction starts there, or by producer id and epochs', async () => {
    const admin = new FakeAdmin();
    admin.producers = [
      { producerId: 4, producerEpoch: 1, lastSequence: 0, lastTimestamp: 1800, coordinatorEpoch: 2, currentTransactionStartOffset: 42 },
      { producerId: 6, producerEpoch: 3, lastSequence: 0, lastTimestamp: 1800, coordinatorEpoch: null, currentTransactionStartOffset: 50 },
    ];
    expect((await run([...BS, '--abort', '--topic', 't', '--partition', '0', '--start-offset', '50'], admin)).code).to.equal(0);
    expect((await run([...BS, 'abort', '--topic', 't', '--partition', '0', '--producer-id', '9', '--producer-epoch', '1', '--coordinator-epoch', '-1'], admin)).code).to.equal(0);
    expect(admin.aborted).to.deep.equal([
      { topic: 't', partition: 0, producerId: 6, producerEpoch: 3, coordinatorEpoch: 0 },
      { topic: 't', partition: 0, producerId: 9, producerEpoch: 1, coordinatorEpoch: 0 },
    ]);
    const missing = await run([...BS, 'abort', '--topic', 't', '--partition', '0', '--start-offset', '7'], admin);
    expect(missing.code).to.equal(1);
    expect(missing.err).to.equal('Could not find any open transactions starting at offset 7 on partition t-0\n');
  });

  it('refuses bad command lines with one clear line and exit code 1, before connecting', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['list'], /Missing required option --bootstrap-server/],
      [[...BS], /Exactly one command is required: list, describe, describe-producers, abort/],
      [[...BS, 'list', '--describe'], /Only one command may be given, not list and describe/],
      [[...BS, 'describe'], /Missing required option --transactional-id for the describe command/],
      [[...BS, 'list', '--topic', 't'], /Option '--topic' is not valid with the list command/],
      [[...BS, 'frobnicate'], /Unknown command or argument 'frobnicate'/],
      [[...BS, '--lst'], /Unrecognized option '--lst'/],
      [[...BS, 'describe-producers', '--topic', 't', '--partition', 'x'], /Invalid value 'x' for --partition: not an integer/],
      [[...BS, 'abort', '--topic', 't', '--partition', '0'], /must be identified either with --start-offset .* or with --producer-id, --producer-epoch, and --coordinator-epoch/],
      [[...BS, 'abort', '--topic', 't', '--partition', '0', '--producer-id', '1', '--coordinator-epoch', '0'], /Missing required argument --producer-epoch/],
      [[...BS, 'abort', '--topic', 't', '--partition', '0', '--producer-id', '1', '--start-offset', '0'], /either --start-offset or --producer-id/],
      [['--bootstrap-server', 'nohost', 'list'], /Invalid bootstrap server list 'nohost'/],
      [[...BS, 'describe', '--transactional-id'], /Option '--transactional-id' requires a value/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).to.equal(1);
      expect(r.err, args.join(' ')).to.match(message);
      expect(r.err, args.join(' ')).to.match(/Try 'samsa-transactions --help' for more information\.\n$/);
      expect(r.admin.calls, args.join(' ')).to.deep.equal([]);
    }
  });

  it('prints its usage with --help (exit 0) and without arguments (exit 1)', async () => {
    const help = await run(['--help']);
    expect(help.code).to.equal(0);
    expect(help.out).to.match(/describe-producers/);
    const none = await run([]);
    expect(none.code).to.equal(1);
    expect(none.err).to.match(/^Usage: samsa-transactions/);
  });
});
