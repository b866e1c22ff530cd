import { expect } from 'chai';
import { Producer } from '../../lib/client/producer';
import { useReplicatedCluster } from '../helpers/replicated-cluster';
import { quietLogger, readToEnd, transactionCoordinator } from '../helpers/transactions';

const TOPIC = 'tx-failover';
const PARTITIONS = 3;

/**
 * The transaction coordinator's broker is SIGKILLed right as the producer commits (3 brokers,
 * __transaction_state replicated 3 ways). Whatever the moment, the transaction must end
 * atomically: a read_committed consumer sees all of its records on every partition or none.
 */
describe('integration/transactions-coordinator-failover', function () {
  this.timeout(240000);
  const cluster = useReplicatedCluster(TOPIC, PARTITIONS, {
    'transaction.state.log.num.partitions': 3, 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 500,
  });

  const producers: Producer[] = [];
  afterEach(async () => {
    for (const p of producers.splice(0)) await p.close().catch(() => undefined);
  });

  /**
   * One transaction over every partition, its commit interrupted by `interrupt(coordinator)`;
   * checks that read_committed then shows all of it or none, before and after the victim restarts.
   */
  async function commitThrough(round: string, interrupt: (coordinator: number, commit: Promise<unknown>) => Promise<void>): Promise<void> {
    const producer = new Producer({ bootstrapServers: cluster.bootstrap, transactionalId: `tx-failover-${round}`, lingerMs: 1, requestTimeoutMs: 3000, logger: quietLogger });
    producers.push(producer);
    await producer.initTransactions();
    const coordinator = await transactionCoordinator(cluster.bootstrap, `tx-failover-${round}`);
    producer.beginTransaction();
    const values = [...Array(PARTITIONS).keys()].flatMap((partition) => [0, 1, 2, 3].map((i) => `${round}-${partition}-${i}`));
    await Promise.all(values.map((value) => producer.send({ topic: TOPIC, partition: Number(value.split('-')[1]), value })));

    const commit = producer.commitTransaction().then(() => 'committed', (e: Error) => e);
    await interrupt(coordinator, commit);
    let outcome = await commit;
    // A commit that outlasted max.block.ms is still running: Kafka's rule is to call it again.
    for (let i = 0; i < 3 && outcome instanceof Error && /Timeout expired/.test(outcome.message); i++) {
      outcome = await producer.commitTransaction().then(() => 'committed', (e: Error) => e);
    }
    console.log(`      ${round}: killed coordinator ${coordinator} during commitTransaction(): ${outcome instanceof Error ? outcome.message : outcome}`);
    if (outcome instanceof Error) await producer.abortTransaction();

    // The producer goes on with the new coordinator.
    producer.beginTransaction();
    await producer.send({ topic: TOPIC, partition: 0, value: `${round}-after` });
    await producer.commitTransaction();
    expect(await transactionCoordinator(cluster.bootstrap, `tx-failover-${round}`)).to.not.equal(coordinator);

    const read = (await readToEnd(cluster.bootstrap, TOPIC, PARTITIONS, 'read_committed')).map((r) => r.value!.toString());
    expect(read).to.include(`${round}-after`);
    const seen = read.filter((v) => v.startsWith(`${round}-`) && v !== `${round}-after`);
    if (outcome === 'committed') expect(seen.sort()).to.deep.equal([...values].sort());
    else expect(seen, 'an aborted transaction shows nothing').to.deep.equal([]);

    await cluster.startBroker(coordinator);
    await cluster.waitForFullIsr(TOPIC, PARTITIONS);
    // With the victim back (and perhaps leading again), the outcome is the same.
    const again = (await readToEnd(cluster.bootstrap, TOPIC, PARTITIONS, 'read_committed')).map((r) => r.value!.toString());
    expect(again.filter((v) => v.startsWith(`${round}-`)).sort()).to.deep.equal(read.filter((v) => v.startsWith(`${round}-`)).sort());
  }

  it('completes a transaction whose coordinator is SIGKILLed while it writes the commit markers', async () => {
    await commitThrough('markers', async (coordinator) => {
      await cluster.stopBroker(coordinator, 'SIGKILL');
    });
  });

  it('commits (or aborts) atomically when the coordinator dies before answering EndTxn', async () => {
    await commitThrough('endtxn', async (coordinator) => {
      // Frozen first, so EndTxn reaches a coordinator that never answers; then killed.
      cluster.brokers.get(coordinator)!.process.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 500));
      await cluster.stopBroker(coordinator, 'SIGKILL');
    });
  });
});
