// The transaction coordinator driven without a broker: a fake clock, an in-memory
// `__transaction_state` log, and a marker sender that records what it was asked to write.
import { EventEmitter } from 'events';
import { expect } from 'chai';
import { FakeClock, settle } from '../group/coordinator-harness';
import { AppendOutcome, LeadershipChange, OffsetsReplicas, ReadableLog } from '../../lib/group/offsets-log';
import { ErrorCode } from '../../lib/protocol/errors';
import { stampBatch } from '../../lib/record/batch-header';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { TxnCoordinatorConfig } from '../../lib/transaction/txn-config';
import { TxnCoordinator } from '../../lib/transaction/txn-coordinator';
import { decodeTxnLogKey, decodeTxnLogValue } from '../../lib/transaction/txn-log-records';
import { MarkerJob, MarkerOutcome, MarkerSender } from '../../lib/transaction/txn-marker-sender';
import { TRANSACTION_STATE_TOPIC } from '../../lib/transaction/txn-topic';
import { getLogger } from '../../lib/util/logger';

const E = ErrorCode;

class MemoryLog implements ReadableLog {
  readonly batches: Buffer[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  gate: Promise<void> | null = null;

  append(batch: Buffer): number {
    const copy = Buffer.from(batch);
    stampBatch(copy, 0, this.logEndOffset, 1);
    const base = this.logEndOffset;
    this.logEndOffset += decodeRecordBatches(copy).batches[0].recordCount;
    this.batches.push(copy);
    return base;
  }

  async read(): Promise<{ records: Buffer }> {
    if (this.gate) await this.gate;
    return { records: Buffer.concat(this.batches) };
  }

  /** Each record as (id, state or null for a tombstone, epoch). */
  records(): Array<{ id: string; state: string | null; epoch: number | null }> {
    return this.batches.flatMap((b) => decodeRecordBatches(b).batches.flatMap((batch) => batch.records.map((r) => {
      const id = decodeTxnLogKey(r.key!);
      const m = r.value === null ? null : decodeTxnLogValue(id, r.value);
      return { id, state: m?.state ?? null, epoch: m?.producerEpoch ?? null };
    })));
  }
}

class MemoryReplicas extends EventEmitter implements OffsetsReplicas {
  readonly log = new MemoryLog();
  leading = false;
  failWith = 0;

  lead(leaderEpoch = 1): void {
    this.leading = true;
    this.emit('leadership-change', { topic: TRANSACTION_STATE_TOPIC, partition: 0, isLeader: true, leaderEpoch } satisfies LeadershipChange);
  }

  resign(): void {
    this.leading = false;
    this.emit('leadership-change', { topic: TRANSACTION_STATE_TOPIC, partition: 0, isLeader: false, leaderEpoch: 2 } satisfies LeadershipChange);
  }

  async appendRecords(topic: string, partition: number, records: Buffer, acks: number): Promise<AppendOutcome> {
    expect([topic, partition, acks]).to.deep.equal([TRANSACTION_STATE_TOPIC, 0, -1]);
    if (!this.leading) return { errorCode: E.NOT_LEADER_FOR_PARTITION.code, baseOffset: -1 };
    if (this.failWith) return { errorCode: this.failWith, baseOffset: -1 };
    return { errorCode: 0, baseOffset: this.log.append(records) };
  }

  getPartition(topic: string): { log: ReadableLog } | undefined {
    return topic === TRANSACTION_STATE_TOPIC ? { log: this.log } : undefined;
  }
}

class RecordingMarkers implements MarkerSender {
  readonly jobs: MarkerJob[] = [];
  /** While set, jobs wait for it (markers "in flight"). */
  hold: Promise<void> | null = null;

  async send(job: MarkerJob): Promise<MarkerOutcome> {
    this.jobs.push(job);
    if (this.hold) await this.hold;
    return job.stillValid() ? 'done' : 'cancelled';
  }

  shutdown(): void {}
}

const CONFIG: TxnCoordinatorConfig = {
  numPartitions: 1, replicationFactor: 1, minIsr: 1, segmentBytes: 1 << 20, maxTimeoutMs: 900_000, idExpirationMs: 3_600_000,
  abortTimedOutIntervalMs: 1000, removeExpiredIntervalMs: 60_000, writeTimeoutMs: 5000, loadBufferBytes: 1 << 20,
};

function harness(shared?: { clock: FakeClock; replicas: MemoryReplicas }) {
  const clock = shared?.clock ?? new FakeClock();
  const replicas = shared?.replicas ?? new MemoryReplicas();
  const markers = new RecordingMarkers();
  let nextId = 1000;
  const coordinator = new TxnCoordinator({
    config: CONFIG, replicas, markers, clock, logger: getLogger('test-txn'),
    metadata: { partitions: () => [{ leader: 1 }], broker: () => ({ host: 'h', port: 1 }), liveBrokers: () => [1] },
    topics: { createTopics: async () => [{ errorCode: 0, errorMessage: null }] },
    newProducerId: async () => nextId++,
  });
  coordinator.startup();
  return { clock, replicas, markers, coordinator, ops: coordinator.ops };
}

async function leading(h = harness()) {
  h.replicas.lead();
  await settle();
  return h;
}

const T0 = [{ topic: 't', partition: 0 }, { topic: 'u', partition: 1 }];

describe('transaction/txn-coordinator', () => {
  it('answers NOT_COORDINATOR when not leading the id\'s partition, and COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const h = harness();
    expect((await h.ops.initProducerId('tx', 60_000)).errorCode).to.equal(E.NOT_COORDINATOR.code);
    h.replicas.lead();
    await settle();
    expect(await h.ops.initProducerId('tx', 60_000)).to.deep.equal({ errorCode: 0, producerId: 1000, producerEpoch: 0 });
    h.replicas.resign();
    expect(h.coordinator.describe('tx').errorCode).to.equal(E.NOT_COORDINATOR.code);
    let open: () => void = () => undefined;
    h.replicas.log.gate = new Promise((resolve) => { open = resolve; });
    h.replicas.lead(2);
    await settle();
    expect((await h.ops.initProducerId('tx', 60_000)).errorCode).to.equal(E.COORDINATOR_LOAD_IN_PROGRESS.code);
    expect(h.coordinator.list([], []).errorCode).to.equal(E.COORDINATOR_LOAD_IN_PROGRESS.code);
    open();
    await settle();
    expect(h.coordinator.describe('tx').metadata).to.include({ state: 'Empty', producerId: 1000, producerEpoch: 0 });
    expect(await h.ops.initProducerId('tx', 60_000)).to.deep.equal({ errorCode: 0, producerId: 1000, producerEpoch: 1 });
  });

  it('reloads on a new leader epoch and writes markers with it as the coordinator epoch', async () => {
    const h = await leading();
    const { producerId } = await h.ops.initProducerId('tx', 60_000);
    await h.ops.addPartitions('tx', producerId, 0, T0);
    h.replicas.lead(7);
    await settle();
    expect(h.coordinator.describe('tx').metadata).to.include({ state: 'Ongoing', producerId });
    expect(await h.ops.endTransaction('tx', producerId, 0, true, true)).to.equal(0);
    await settle();
    expect(h.markers.jobs.map((j) => j.coordinatorEpoch)).to.deep.equal([7]);
  });

  it('refuses a timeout above transaction.max.timeout.ms and an empty id', async () => {
    const h = await leading();
    expect((await h.ops.initProducerId('tx', 900_001)).errorCode).to.equal(E.INVALID_TRANSACTION_TIMEOUT.code);
    expect((await h.ops.initProducerId('', 1000)).errorCode).to.equal(E.INVALID_REQUEST.code);
  });

  it('commits: Ongoing, PrepareCommit written with acks=all, markers to every partition, then CompleteCommit', async () => {
    const h = await leading();
    const { producerId, producerEpoch } = await h.ops.initProducerId('tx', 60_000);
    expect(await h.ops.addPartitions('tx', producerId, producerEpoch, T0)).to.equal(0);
    expect(await h.ops.addPartitions('tx', producerId, producerEpoch, [{ topic: '__consumer_offsets', partition: 3 }])).to.equal(0);
    expect(h.coordinator.describe('tx').metadata).to.include({ state: 'Ongoing', txnStartTimestamp: h.clock.nowMs() });
    expect(await h.ops.endTransaction('tx', producerId, producerEpoch, true, true)).to.equal(0);
    await settle();
    expect(h.markers.jobs).to.have.length(1);
    expect(h.markers.jobs[0]).to.include({ transactionalId: 'tx', producerId, producerEpoch, committed: true, coordinatorEpoch: 1 });
    expect(h.markers.jobs[0].partitions).to.deep.equal([...T0, { topic: '__consumer_offsets', partition: 3 }]);
    const described = h.coordinator.describe('tx').metadata!;
    expect(described).to.include({ state: 'CompleteCommit' });
    expect(described.partitions).to.deep.equal([]);
    expect(h.replicas.log.records().map((r) => r.state)).to.deep.equal(['Empty', 'Ongoing', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
    // A retried EndTxn(commit) succeeds; an abort now is refused.
    expect(await h.ops.endTransaction('tx', producerId, producerEpoch, true, true)).to.equal(0);
    expect(await h.ops.endTransaction('tx', producerId, producerEpoch, false, true)).to.equal(E.INVALID_TXN_STATE.code);
  });

  it('answers CONCURRENT_TRANSACTIONS while the markers of an ended transaction are being written', async () => {
    const h = await leading();
    const { producerId } = await h.ops.initProducerId('tx', 60_000);
    await h.ops.addPartitions('tx', producerId, 0, T0);
    let release: () => void = () => undefined;
    h.markers.hold = new Promise((resolve) => { release = resolve; });
    expect(await h.ops.endTransaction('tx', producerId, 0, false, true)).to.equal(0);
    expect(await h.ops.addPartitions('tx', producerId, 0, T0)).to.equal(E.CONCURRENT_TRANSACTIONS.code);
    expect(await h.ops.endTransaction('tx', producerId, 0, false, true)).to.equal(E.CONCURRENT_TRANSACTIONS.code);
    expect((await h.ops.initProducerId('tx', 60_000)).errorCode).to.equal(E.CONCURRENT_TRANSACTIONS.code);
    release();
    await settle();
    expect(h.coordinator.describe('tx').metadata?.state).to.equal('CompleteAbort');
    expect(await h.ops.initProducerId('tx', 60_000)).to.deep.equal({ errorCode: 0, producerId, producerEpoch: 1 });
  });

  it('fences the previous producer: its open transaction is aborted with a bumped epoch, the retry bumps again', async () => {
    const h = await leading();
    const { producerId } = await h.ops.initProducerId('tx', 60_000);
    await h.ops.addPartitions('tx', producerId, 0, T0);
    expect((await h.ops.initProducerId('tx', 60_000)).errorCode).to.equal(E.CONCURRENT_TRANSACTIONS.code);
    await settle();
    expect(h.markers.jobs).to.have.length(1);
    expect(h.markers.jobs[0]).to.include({ committed: false, producerEpoch: 1 });
    expect(h.coordinator.describe('tx').metadata).to.include({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(await h.ops.initProducerId('tx', 60_000)).to.deep.equal({ errorCode: 0, producerId, producerEpoch: 2 });
    // The zombie, still at epoch 0, is fenced everywhere.
    expect(await h.ops.endTransaction('tx', producerId, 0, true, true)).to.equal(E.PRODUCER_FENCED.code);
    expect(await h.ops.addPartitions('tx', producerId, 0, T0)).to.equal(E.PRODUCER_FENCED.code);
    expect(await h.ops.endTransaction('tx', producerId + 1, 2, true, true)).to.equal(E.INVALID_PRODUCER_ID_MAPPING.code);
  });

  it('aborts a transaction open longer than its timeout, fencing the producer', async () => {
    const h = await leading();
    const { producerId } = await h.ops.initProducerId('tx', 5000);
    await h.ops.addPartitions('tx', producerId, 0, T0);
    await h.clock.advance(4000);
    expect(h.coordinator.describe('tx').metadata?.state).to.equal('Ongoing');
    await h.clock.advance(2000);
    expect(h.markers.jobs.map((j) => [j.committed, j.producerEpoch])).to.deep.equal([[false, 1]]);
    expect(h.coordinator.describe('tx').metadata).to.include({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(await h.ops.endTransaction('tx', producerId, 0, true, true)).to.equal(E.PRODUCER_FENCED.code);
  });

  it('forgets an idle transactional id after transactional.id.expiration.ms with a tombstone', async () => {
    const h = await leading();
    await h.ops.initProducerId('tx', 5000);
    await h.clock.advance(CONFIG.idExpirationMs + CONFIG.removeExpiredIntervalMs);
    expect(h.coordinator.describe('tx').errorCode).to.equal(E.TRANSACTIONAL_ID_NOT_FOUND.code);
    expect(h.replicas.log.records().at(-1)).to.deep.equal({ id: 'tx', state: null, epoch: null });
  });

  it('keeps memory unchanged when a write fails, and translates the error as Kafka', async () => {
    const h = await leading();
    const { producerId } = await h.ops.initProducerId('tx', 5000);
    h.replicas.failWith = E.NOT_ENOUGH_REPLICAS.code;
    expect(await h.ops.addPartitions('tx', producerId, 0, T0)).to.equal(E.COORDINATOR_NOT_AVAILABLE.code);
    expect(h.coordinator.describe('tx').metadata?.state).to.equal('Empty');
    h.replicas.failWith = 0;
    expect(await h.ops.addPartitions('tx', producerId, 0, T0)).to.equal(0);
  });

  it('retries writing CompleteCommit until the replicas take it', async () => {
    const h = await leading();
    const { producerId } = await h.ops.initProducerId('tx', 60_000);
    await h.ops.addPartitions('tx', producerId, 0, T0);
    let release: () => void = () => undefined;
    h.markers.hold = new Promise((resolve) => { release = resolve; });
    expect(await h.ops.endTransaction('tx', producerId, 0, true, true)).to.equal(0);
    h.replicas.failWith = E.NOT_ENOUGH_REPLICAS.code;
    release();
    await h.clock.advance(1000);
    expect(h.coordinator.describe('tx').metadata?.state).to.equal('PrepareCommit');
    h.replicas.failWith = 0;
    await h.clock.advance(2000);
    expect(h.coordinator.describe('tx').metadata?.state).to.equal('CompleteCommit');
  });

  it('reloads ids from the log on becoming leader and completes a transaction left in PrepareCommit', async () => {
    const first = await leading();
    const { producerId } = await first.ops.initProducerId('tx', 60_000);
    await first.ops.initProducerId('other', 60_000);
    await first.ops.addPartitions('tx', producerId, 0, T0);
    first.markers.hold = new Promise(() => undefined);
    expect(await first.ops.endTransaction('tx', producerId, 0, true, true)).to.equal(0);
    first.replicas.resign();
    first.coordinator.shutdown();

    const second = harness({ clock: first.clock, replicas: first.replicas });
    second.replicas.lead(5);
    await settle();
    expect(second.markers.jobs).to.have.length(1);
    expect(second.markers.jobs[0]).to.include({ committed: true, coordinatorEpoch: 5, producerId });
    expect(second.coordinator.describe('tx').metadata).to.include({ state: 'CompleteCommit', producerEpoch: 0 });
    expect(second.coordinator.describe('other').metadata).to.include({ state: 'Empty', producerEpoch: 0 });
    const listed = second.coordinator.list(['CompleteCommit', 'Bogus'], []);
    expect(listed.unknownStateFilters).to.deep.equal(['Bogus']);
    expect(listed.transactions.map((m) => m.transactionalId)).to.deep.equal(['tx']);
    expect(second.coordinator.list([], [producerId + 1]).transactions.map((m) => m.transactionalId)).to.deep.equal(['other']);
  });
});
