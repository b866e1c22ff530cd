import { expect } from 'chai';
import { IllegalStateError, ProducerFencedError, TransactionAbortedError, TopicAuthorizationError } from '../../lib/client/client-errors';
import { Producer, ProducerOptions } from '../../lib/client/producer';
import { Api } from '../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { FakeCluster } from './fake-broker';
import { FakeTxnCoordinator } from './fake-txn-coordinator';

const GROUP = { groupId: 'g', generationId: 4, memberId: 'member-1', groupInstanceId: null };
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

describe('client/producer transactions', function () {
  this.timeout(20000);
  let cluster: FakeCluster;
  let coordinator: FakeTxnCoordinator;
  const producers: Producer[] = [];

  function producer(options: Partial<ProducerOptions> = {}): Producer {
    const p = new Producer({ bootstrapServers: cluster.bootstrap, transactionalId: 'tx-1', retryBackoffMs: 5, lingerMs: 0, logger: quiet, ...options });
    producers.push(p);
    return p;
  }

  async function caught(work: Promise<unknown> | (() => unknown)): Promise<SamsaError> {
    try {
      await (typeof work === 'function' ? work() : work);
    } catch (err) {
      return err as SamsaError;
    }
    throw new Error('expected an error');
  }

  beforeEach(async () => {
    cluster = await FakeCluster.start(1);
    cluster.topics.set('t', [{ leader: 1 }, { leader: 1 }, { leader: 1 }]);
    coordinator = new FakeTxnCoordinator(cluster.broker(1));
  });

  afterEach(async () => {
    for (const p of producers.splice(0)) await p.close().catch(() => undefined);
    await cluster.stop();
  });

  it('initTransactions finds the transaction coordinator (key type 1) and gets a producer id with the timeout', async () => {
    const p = producer({ transactionTimeoutMs: 12345 });
    await p.initTransactions();
    expect(cluster.broker(1).requestsFor(Api.FindCoordinator)).to.deep.include({ key: 'tx-1', keyType: 1 });
    expect(cluster.broker(1).requestsFor(Api.InitProducerId)).to.deep.equal([{ transactionalId: 'tx-1', transactionTimeoutMs: 12345 }]);
    expect(p.producerIdAndEpoch).to.deep.equal({ producerId: 7000, producerEpoch: 0 });
  });

  it('initTransactions retries COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR and CONCURRENT_TRANSACTIONS', async () => {
    coordinator.failNext('InitProducerId', ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code, ErrorCode.NOT_COORDINATOR.code, ErrorCode.CONCURRENT_TRANSACTIONS.code);
    const p = producer();
    await p.initTransactions();
    expect(coordinator.requests('InitProducerId')).to.equal(4);
    // NOT_COORDINATOR made the producer look the coordinator up again.
    expect(cluster.broker(1).requestsFor(Api.FindCoordinator).filter((r) => r.keyType === 1)).to.have.length(2);
  });

  it('adds the partitions of a transaction in one AddPartitionsToTxn before their first batch, then commits', async () => {
    const p = producer({ lingerMs: 20 });
    await p.initTransactions();
    p.beginTransaction();
    const sends = [0, 1, 2].flatMap((partition) => ['a', 'b'].map((value) => p.send({ topic: 't', partition, value })));
    await Promise.all(sends);
    await p.commitTransaction();
    expect(coordinator.requests('AddPartitionsToTxn')).to.equal(1);
    expect(cluster.broker(1).requestsFor(Api.AddPartitionsToTxn)[0].topics).to.deep.equal([{ name: 't', partitions: [0, 1, 2] }]);
    expect(coordinator.unaddedWrites).to.deep.equal([]);
    expect(coordinator.produced.every((b) => b.transactional && b.transactionalId === 'tx-1')).to.equal(true);
    expect(coordinator.ended).to.deep.equal([{ transactionalId: 'tx-1', producerEpoch: 0, committed: true, partitions: ['t-0', 't-1', 't-2'], groups: [] }]);
    // The next transaction adds its partitions again.
    p.beginTransaction();
    await p.send({ topic: 't', partition: 1, value: 'c' });
    await p.commitTransaction();
    expect(coordinator.ended[1]).to.deep.include({ committed: true, partitions: ['t-1'] });
    expect(coordinator.log.values('t-1')).to.deep.equal(['a', 'b', 'c']);
  });

  it('sendOffsetsToTransaction adds the group, then commits the offsets with the consumer generation', async () => {
    const p = producer();
    await p.initTransactions();
    p.beginTransaction();
    await p.send({ topic: 't', partition: 0, value: 'x' });
    await p.sendOffsetsToTransaction([{ topic: 'in', partition: 2, offset: 41 }], GROUP);
    await p.commitTransaction();
    expect(cluster.broker(1).requestsFor(Api.AddOffsetsToTxn)).to.deep.equal([{ transactionalId: 'tx-1', producerId: 7000, producerEpoch: 0, groupId: 'g' }]);
    expect(cluster.broker(1).requestsFor(Api.FindCoordinator)).to.deep.include({ key: 'g', keyType: 0 });
    expect(coordinator.offsetCommits).to.deep.equal([{ groupId: 'g', generationId: 4, memberId: 'member-1', offsets: ['in-2@41'] }]);
    expect(coordinator.ended[0]).to.deep.include({ committed: true, groups: ['g'], partitions: ['t-0'] });
  });

  it('ends an empty transaction locally, without EndTxn', async () => {
    const p = producer();
    await p.initTransactions();
    p.beginTransaction();
    await p.commitTransaction();
    p.beginTransaction();
    await p.abortTransaction();
    expect(coordinator.requests('EndTxn')).to.equal(0);
    p.beginTransaction();
  });

  it('abortTransaction fails the records not sent yet and aborts what was added', async () => {
    const p = producer();
    await p.initTransactions();
    p.beginTransaction();
    await p.send({ topic: 't', partition: 0, value: 'sent' });
    const lingering = new Producer({ bootstrapServers: cluster.bootstrap, transactionalId: 'tx-2', lingerMs: 60000 });
    producers.push(lingering);
    await lingering.initTransactions();
    lingering.beginTransaction();
    const dropped = lingering.send({ topic: 't', partition: 1, value: 'never' }).catch((e) => e);
    await lingering.abortTransaction();
    expect(await dropped).to.be.instanceOf(TransactionAbortedError);
    await p.abortTransaction();
    expect(coordinator.ended.map((e) => [e.transactionalId, e.committed, e.partitions])).to.deep.equal([['tx-1', false, ['t-0']]]);
    expect(coordinator.log.values('t-1')).to.deep.equal([]);
  });

  it('raises IllegalStateError for calls out of order, with Kafka\'s messages', async () => {
    const p = producer();
    expect(await caught(p.send({ topic: 't', value: 'early' }))).to.be.instanceOf(IllegalStateError)
      .with.property('message', "Cannot perform a 'send' before completing a call to initTransactions when transactions are enabled.");
    expect(await caught(() => p.beginTransaction())).to.be.instanceOf(IllegalStateError)
      .with.property('message', 'TransactionalId tx-1: Invalid transition attempted from state UNINITIALIZED to state IN_TRANSACTION');
    await p.initTransactions();
    expect(await caught(p.initTransactions())).to.be.instanceOf(IllegalStateError);
    expect(await caught(p.send({ topic: 't', value: 'outside' }))).to.have.property('message', 'Cannot call send in state READY');
    expect(await caught(p.commitTransaction())).to.be.instanceOf(IllegalStateError);
    expect(await caught(p.abortTransaction())).to.be.instanceOf(IllegalStateError);
    expect(await caught(p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 1 }], GROUP)))
      .to.have.property('message', 'Cannot send offsets if a transaction is not in progress (currentState= READY)');
    p.beginTransaction();
    expect(await caught(() => p.beginTransaction())).to.be.instanceOf(IllegalStateError);
    const plain = producer({ transactionalId: null });
    expect(await caught(plain.initTransactions())).to.be.instanceOf(IllegalStateError)
      .with.property('message', 'Transactional method invoked on a non-transactional producer.');
  });

  it('a producer fenced by a newer instance fails with ProducerFencedError and can only be closed', async () => {
    const zombie = producer();
    await zombie.initTransactions();
    zombie.beginTransaction();
    await zombie.send({ topic: 't', partition: 0, value: 'zombie' });
    const fresh = producer();
    await fresh.initTransactions();
    expect(fresh.producerIdAndEpoch).to.deep.equal({ producerId: 7000, producerEpoch: 1 });
    const err = await caught(zombie.commitTransaction());
    expect(err).to.be.instanceOf(ProducerFencedError);
    expect(err.errorName).to.equal('PRODUCER_FENCED');
    expect(await caught(() => zombie.beginTransaction())).to.be.instanceOf(ProducerFencedError);
    expect(await caught(zombie.send({ topic: 't', value: 'after' }))).to.be.instanceOf(ProducerFencedError);
    expect(await caught(zombie.abortTransaction())).to.be.instanceOf(ProducerFencedError);
    await zombie.close();
    // The new instance's InitProducerId aborted the zombie's transaction.
    expect(coordinator.ended).to.deep.equal([{ transactionalId: 'tx-1', producerEpoch: 1, committed: false, partitions: ['t-0'], groups: [] }]);
  });

  it('a batch refused with INVALID_PRODUCER_EPOCH is fatal too', async () => {
    const zombie = producer();
    await zombie.initTransactions();
    zombie.beginTransaction();
    await zombie.send({ topic: 't', partition: 0, value: 'first' });
    await producer().initTransactions();
    const refused = await caught(zombie.send({ topic: 't', partition: 0, value: 'second' }));
    expect(refused.errorName).to.equal('INVALID_PRODUCER_EPOCH');
    expect(await caught(zombie.commitTransaction())).to.be.instanceOf(ProducerFencedError);
  });

  it('an abortable error fails the transaction\'s sends and commit; abort and the next transaction work', async () => {
    coordinator.failNext('AddPartitionsToTxn', ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
    const p = producer();
    await p.initTransactions();
    p.beginTransaction();
    const refused = await caught(p.send({ topic: 't', partition: 0, value: 'v' }));
    expect(refused.errorName).to.equal('TOPIC_AUTHORIZATION_FAILED');
    const commit = await caught(p.commitTransaction());
    expect(commit.errorName).to.equal('TOPIC_AUTHORIZATION_FAILED');
    expect(commit.message).to.match(/abortTransaction/);
    expect(commit.cause).to.be.instanceOf(TopicAuthorizationError);
    await p.abortTransaction();
    p.beginTransaction();
    await p.send({ topic: 't', partition: 0, value: 'w' });
    await p.commitTransaction();
    expect(coordinator.log.values('t-0')).to.deep.equal(['w']);
  });

  it('a failed batch leaves a sequence gap: after the abort the producer gets a bumped epoch and starts at sequence 0', async () => {
    const p = producer();
    await p.initTransactions();
    p.beginTransaction();
    await p.send({ topic: 't', partition: 0, value: 'a' });
    coordinator.failNext('Produce t-0', ErrorCode.INVALID_RECORD.code);
    expect((await caught(p.send({ topic: 't', partition: 0, value: 'b' }))).errorName).to.equal('INVALID_RECORD');
    await p.abortTransaction();
    expect(p.producerIdAndEpoch).to.deep.equal({ producerId: 7000, producerEpoch: 1 });
    p.beginTransaction();
    await p.send({ topic: 't', partition: 0, value: 'c' });
    await p.commitTransaction();
    const last = coordinator.log.seen[coordinator.log.seen.length - 1];
    expect([last.producerEpoch, last.baseSequence, last.values]).to.deep.equal([1, 0, ['c']]);
  });

  it('a commit that outlasts max.block.ms times out, blocks other calls, and completes when retried', async () => {
    const p = producer({ maxBlockMs: 150 });
    await p.initTransactions();
    p.beginTransaction();
    await p.send({ topic: 't', partition: 0, value: 'v' });
    coordinator.failNext('EndTxn', ...Array<number>(6).fill(ErrorCode.CONCURRENT_TRANSACTIONS.code));
    const timedOut = await caught(p.commitTransaction());
    expect(timedOut.errorName).to.equal('REQUEST_TIMED_OUT');
    expect(await caught(p.abortTransaction())).to.be.instanceOf(IllegalStateError)
      .with.property('message', 'Cannot attempt operation `abortTransaction` because the previous call to `commitTransaction` timed out and must be retried');
    // Retried until a call returns: the coordinator may end the transaction while the call that
    // asked for it times out on a slow machine, and the next retry then completes at once.
    let completed = false;
    for (let i = 0; i < 20 && !completed; i++) completed = await p.commitTransaction().then(() => true, () => false);
    expect(completed).to.equal(true);
    expect(coordinator.ended.map((e) => e.committed)).to.deep.equal([true]);
    p.beginTransaction();
  });

  it('refuses a transactionalId without idempotence, as Kafka does', () => {
    expect(() => new Producer({ bootstrapServers: cluster.bootstrap, transactionalId: 'x', enableIdempotence: false })).to.throw(/Cannot set a transactional.id without also enabling idempotence/);
    expect(() => new Producer({ bootstrapServers: cluster.bootstrap, transactionalId: 'x', acks: 1 })).to.throw(/acks/);
    expect(() => Producer.fromProperties({ 'bootstrap.servers': cluster.bootstrap, 'transactional.id': 'x', 'enable.idempotence': 'false' })).to.throw(/transactional.id/);
  });
});
