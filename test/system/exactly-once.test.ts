import { expect } from 'chai';
import { ProducerFencedError, TransactionalIdAuthorizationError } from '../../lib/client/client-errors';
import { Consumer, ConsumerRecord, TopicPartitionOffset } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { SamsaError } from '../../lib/protocol/errors';
import { sleep } from '../../lib/util/time';
import { ReplicatedCluster } from '../helpers/replicated-cluster';
import { coordinatorOf, quietLogger, readToEnd } from '../helpers/transactions';
import { waitUntil } from '../helpers/wait';

const INPUT = 'eos-in';
const OUTPUT = 'eos-out';
const PARTITIONS = 3;
const PER_PARTITION = 700;
const GROUP = 'eos-app';
const TRANSACTIONAL_ID = 'eos-app-1';

const nextOffsets = (records: ConsumerRecord[]): TopicPartitionOffset[] =>
  [...new Map(records.map((r) => [`${r.topic}-${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1 }])).values()];

/**
 * A consume-transform-produce application as the docs write it: read_committed input, the
 * transform sent to the same partition of the output, the input offsets sent to the transaction.
 * Every tenth transaction fails on purpose after its sends. On an abortable error it aborts and
 * rewinds to the committed offsets; on a fatal one (fenced:
 * its transaction timed out while a coordinator was down) it starts a new producer with the same
 * transactional id. A commit that timed out is called again, as Kafka asks.
 */
class Processor {
  transactions = 0;
  aborts = 0;
  private attempts = 0;
  restarts = 0;
  private stopped = false;
  private running: Promise<void> | null = null;
  private producer!: Producer;
  private readonly consumer: Consumer;

  constructor(private readonly bootstrap: string) {
    this.consumer = new Consumer({
      bootstrapServers: bootstrap, groupId: GROUP, isolationLevel: 'read_committed', enableAutoCommit: false, autoOffsetReset: 'earliest',
      maxPollRecords: 15, sessionTimeoutMs: 20000, heartbeatIntervalMs: 1000, requestTimeoutMs: 5000, logger: quietLogger,
    });
  }

  start(): void {
    this.consumer.subscribe([INPUT]);
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.producer.close().catch(() => undefined);
    await this.consumer.close(5000).catch(() => undefined);
  }

  private async newProducer(): Promise<void> {
    for (;;) {
      this.producer = new Producer({ bootstrapServers: this.bootstrap, transactionalId: TRANSACTIONAL_ID, transactionTimeoutMs: 20000, lingerMs: 2,
        requestTimeoutMs: 5000, maxBlockMs: 30000, logger: quietLogger });
      try {
        await this.producer.initTransactions();
        return;
      } catch {
        await this.producer.close().catch(() => undefined);
        await sleep(500);
      }
    }
  }

  private async run(): Promise<void> {
    await this.newProducer();
    while (!this.stopped) {
      const records = await this.consumer.poll(200).catch(() => [] as ConsumerRecord[]);
      if (records.length === 0) continue;
      try {
        this.producer.beginTransaction();
        for (const r of records) {
          // A failed send fails commitTransaction() too.
          this.producer.send({ topic: OUTPUT, partition: r.partition, key: r.key, value: `T(${r.value!.toString()})` }).catch(() => undefined);
        }
        await this.producer.sendOffsetsToTransaction(nextOffsets(records), this.consumer.groupMetadata());
        // Every tenth transaction fails on purpose after writing: its output must never be seen, its input is processed again.
        if (++this.attempts % 10 === 0) throw new Error('simulated processing failure');
        await this.commit();
        this.transactions++;
      } catch (err) {
        await this.recover(err as Error);
      }
      await sleep(30);
    }
  }

  private async commit(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer.commitTransaction();
        return;
      } catch (err) {
        if (!(err instanceof SamsaError) || !/Timeout expired/.test(err.message) || attempt >= 5) throw err;
      }
    }
  }

  /** Abort (or replace a fenced producer), then rewind the consumer to what the group committed. */
  private async recover(err: Error): Promise<void> {
    const fatal = err instanceof ProducerFencedError || err instanceof TransactionalIdAuthorizationError;
    let replaced = fatal;
    if (!fatal) {
      try {
        await this.producer.abortTransaction();
        this.aborts++;
      } catch {
        replaced = true;
      }
    }
    if (replaced) {
      this.restarts++;
      await this.producer.close().catch(() => undefined);
      await this.newProducer();
    }
    for (;;) {
      try {
        for (const c of await this.consumer.committed(this.consumer.assignment(), 10000)) this.consumer.seek(c, c.offset ?? 'earliest');
        return;
      } catch {
        await sleep(200);
      }
    }
  }
}

/**
 * Exactly-once across broker failures: while the processor runs, the transaction coordinator, an
 * output partition's leader and the group coordinator are SIGKILLed in turn and restarted.
 * Afterwards the output, read with read_committed, holds each input record's transform exactly
 * once and in order per partition, and the group's committed offsets are at the end of the input.
 */
describe('system/exactly-once', function () {
  this.timeout(240000);
  const cluster = new ReplicatedCluster([1, 2, 3], {
    'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 3, 'group.initial.rebalance.delay.ms': 0,
    'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000,
  });

  before(async () => {
    await cluster.start();
    await cluster.createTopic(INPUT, PARTITIONS, { 'min.insync.replicas': '2' });
    await cluster.createTopic(OUTPUT, PARTITIONS, { 'min.insync.replicas': '2' });
    const seed = new Producer({ bootstrapServers: cluster.bootstrap, lingerMs: 5 });
    await Promise.all([...Array(PARTITIONS * PER_PARTITION).keys()].map((i) =>
      seed.send({ topic: INPUT, partition: i % PARTITIONS, key: `k${i}`, value: `${i % PARTITIONS}:${Math.floor(i / PARTITIONS)}` })));
    await seed.close();
  });

  after(async () => {
    await cluster.stop();
  });

  it('transforms every input record exactly once, in order, through SIGKILLs of coordinators and leaders', async () => {
    const processor = new Processor(cluster.bootstrap);
    processor.start();
    await waitUntil('the first transactions', async () => processor.transactions >= 5, 60000, 100);

    const victims: Array<[string, () => Promise<number>]> = [
      ['transaction coordinator', () => coordinatorOf(cluster.bootstrap, TRANSACTIONAL_ID, 1)],
      [`leader of ${OUTPUT}-0`, async () => (await cluster.partitionState(OUTPUT, 0)).leader],
      ['group coordinator', () => coordinatorOf(cluster.bootstrap, GROUP, 0)],
    ];
    for (const [what, find] of victims) {
      const victim = await find();
      const before = processor.transactions;
      await cluster.stopBroker(victim, 'SIGKILL');
      await cluster.waitForRegistration(victim, false);
      await cluster.startBroker(victim);
      await cluster.waitForFullIsr(INPUT, PARTITIONS);
      await cluster.waitForFullIsr(OUTPUT, PARTITIONS);
      await waitUntil(`transactions after killing the ${what}`, async () => processor.transactions > before + 2, 60000, 100);
      console.log(`      killed broker ${victim} (${what}); ${processor.transactions} transactions, ${processor.aborts} aborts, ${processor.restarts} producer restarts so far`);
    }

    const inputTps = [...Array(PARTITIONS).keys()].map((partition) => ({ topic: INPUT, partition }));
    const committed = async (): Promise<number[]> => {
      const reader = new Consumer({ bootstrapServers: cluster.bootstrap, groupId: GROUP, enableAutoCommit: false, logger: quietLogger });
      try {
        return (await reader.committed(inputTps)).map((c) => c.offset ?? -1);
      } finally {
        await reader.close(1000);
      }
    };
    await waitUntil('the whole input processed', async () => (await committed()).every((o) => o === PER_PARTITION), 90000, 500);
    await processor.stop();

    const output = await readToEnd(cluster.bootstrap, OUTPUT, PARTITIONS, 'read_committed');
    for (let p = 0; p < PARTITIONS; p++) {
      const values = output.filter((r) => r.partition === p).map((r) => r.value!.toString());
      const expected = [...Array(PER_PARTITION).keys()].map((i) => `T(${p}:${i})`);
      const duplicates = values.length - new Set(values).size;
      expect(duplicates, `partition ${p}: duplicated transforms`).to.equal(0);
      expect(values.length, `partition ${p}: transforms`).to.equal(PER_PARTITION);
      expect(values, `partition ${p}: exactly once, in order`).to.deep.equal(expected);
    }
    console.log(`      ${PARTITIONS * PER_PARTITION} inputs, ${processor.transactions} transactions, ${processor.aborts} aborts, ${processor.restarts} producer restarts`);
    expect(processor.aborts, 'aborted transactions (their output must not show)').to.be.greaterThan(5);
  });
});
