import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { KafkaFetch, KafkaListOffsets } from '../../lib/protocol/kafka/messages/produce-fetch';
import { KafkaDescribeProducers, KafkaWriteTxnMarkers } from '../../lib/protocol/kafka/messages/txn-markers';
import { encodeEndTxnMarkerBatch } from '../../lib/record/control-record';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { BOTH_LISTENERS, SINGLE_BROKER_GROUPS, startBroker, tempDir } from '../helpers/cluster';
import { fetchPartition, kafkaExchange, latestOffset, produceBatch, txnBatch, writeMarker } from '../helpers/txn-log';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';
import { main as dumpLog } from '../../lib/cli/dump-log';
import { captureIo } from '../cli/capture-io';

/**
 * The partition-log side of transactions on a real broker, driven with raw transactional batches
 * and raw WriteTxnMarkers (as the transaction coordinator sends them): read_committed stops at the
 * last stable offset and names the aborted transactions, read_uncommitted sees everything, the
 * log's checks answer Kafka's error codes, the Kafka listener serves the same, and a restart keeps
 * the LSO (producer snapshot) and the aborted-transaction index (rebuilt when its file is gone).
 */
describe('integration/transactions-log', function () {
  this.timeout(60000);
  const TOPIC = 'txn-log';
  let zk: TestZooKeeper;
  let broker: Broker;
  let conn: Connection;
  const logDir = tempDir('txn-log-broker');
  const at = [{ topic: TOPIC, partition: 0 }];

  async function start(): Promise<void> {
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, logDir, overrides: { listeners: BOTH_LISTENERS, ...SINGLE_BROKER_GROUPS } });
    conn = new Connection({ host: '127.0.0.1', port: broker.port, clientId: 'txn-log-test', requestTimeoutMs: 30000 });
  }

  before(async () => {
    zk = await startTestZooKeeper();
    await start();
    const admin = new Admin({ bootstrapServers: `127.0.0.1:${broker.port}` });
    await admin.createTopic({ topic: TOPIC, numPartitions: 1, replicationFactor: 1 });
    await admin.close();
  });

  after(async () => {
    conn?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  /** Offsets of the data records (never markers) in a fetched record set. */
  const offsetsOf = (records: Buffer | null): number[] =>
    decodeRecordBatches(records ?? Buffer.alloc(0)).batches.filter((b) => !b.isControl).flatMap((b) => b.records.map((r) => r.offset));

  it('stops read_committed at the first open transaction and names the aborted ones', async () => {
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: -1, baseSequence: -1, values: ['plain'], transactional: false }))).errorCode).to.equal(0);
    expect(await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1001, baseSequence: 0, values: ['a1', 'a2'] }))).to.include({ errorCode: 0, baseOffset: 1 });
    expect(await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1002, baseSequence: 0, values: ['b1'] }))).to.include({ errorCode: 0, baseOffset: 3 });
    expect(await writeMarker(conn, { producerId: 1001, committed: false, partitions: at })).to.deep.equal([0]);

    // 1001 aborted (marker at 4); 1002 is still open from offset 3.
    const committed = await fetchPartition(conn, TOPIC, 0, 0, 1);
    expect(committed).to.include({ errorCode: 0, highWatermark: 5, lastStableOffset: 3 });
    expect(offsetsOf(committed.records)).to.deep.equal([0, 1, 2]);
    expect(committed.abortedTransactions).to.deep.equal([{ producerId: 1001, firstOffset: 1 }]);

    const uncommitted = await fetchPartition(conn, TOPIC, 0, 0, 0);
    expect(uncommitted).to.include({ highWatermark: 5, lastStableOffset: 3, abortedTransactions: null });
    const batches = decodeRecordBatches(uncommitted.records!).batches;
    expect(batches.map((b) => [b.baseOffset, b.isTransactional, b.isControl])).to.deep.equal([[0, false, false], [1, true, false], [3, true, false], [4, true, true]]);

    expect(await latestOffset(conn, TOPIC, 0, 1)).to.equal(3);
    expect(await latestOffset(conn, TOPIC, 0, 0)).to.equal(5);

    expect(await writeMarker(conn, { producerId: 1002, committed: true, partitions: at })).to.deep.equal([0]);
    const after = await fetchPartition(conn, TOPIC, 0, 0, 1);
    expect(after).to.include({ highWatermark: 6, lastStableOffset: 6 });
    expect(offsetsOf(after.records)).to.deep.equal([0, 1, 2, 3]);
    expect(after.abortedTransactions).to.deep.equal([{ producerId: 1001, firstOffset: 1 }]);
    // A fetch past the aborted transaction's marker no longer mentions it.
    expect((await fetchPartition(conn, TOPIC, 0, 5, 1)).abortedTransactions).to.deep.equal([]);
  });

  it('keeps a read_committed long poll parked until the LSO moves', async () => {
    // Its own connection: a broker answers one connection's requests in order.
    const consumer = new Connection({ host: '127.0.0.1', port: broker.port, clientId: 'txn-log-consumer', requestTimeoutMs: 30000 });
    const parked = fetchPartition(consumer, TOPIC, 0, 6, 1, { maxWaitMs: 15000, minBytes: 1 });
    parked.finally(() => consumer.close()).catch(() => undefined);
    let settled = false;
    void parked.then(() => { settled = true; });
    await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1003, baseSequence: 0, values: ['c1'] }));
    await new Promise((r) => setTimeout(r, 500));
    expect(settled, 'woke up for an open transaction').to.equal(false);
    const started = Date.now();
    expect(await writeMarker(conn, { producerId: 1003, committed: true, partitions: at })).to.deep.equal([0]);
    const answer = await parked;
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(answer.lastStableOffset).to.equal(8);
    expect(offsetsOf(answer.records)).to.deep.equal([6]);
  });

  it("refuses what Kafka refuses, with Kafka's error codes", async () => {
    const control = encodeEndTxnMarkerBatch({ producerId: 1004, producerEpoch: 0, committed: true, coordinatorEpoch: 0, timestamp: Date.now() });
    expect((await produceBatch(conn, TOPIC, 0, control)).errorCode).to.equal(ErrorCode.INVALID_RECORD.code);
    // Producer 1005 opens a transaction at epoch 1; a non-transactional batch from it is out of place.
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1005, producerEpoch: 1, baseSequence: 0, values: ['d1'] }))).errorCode).to.equal(0);
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1005, producerEpoch: 1, baseSequence: 1, values: ['d2'], transactional: false }))).errorCode)
      .to.equal(ErrorCode.INVALID_TXN_STATE.code);
    expect((await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1005, producerEpoch: 0, baseSequence: 0, values: ['old'] }))).errorCode)
      .to.equal(ErrorCode.INVALID_PRODUCER_EPOCH.code);
    expect(await writeMarker(conn, { producerId: 1005, producerEpoch: 0, committed: false, partitions: at })).to.deep.equal([ErrorCode.INVALID_PRODUCER_EPOCH.code]);
    expect(await writeMarker(conn, { producerId: 1005, producerEpoch: 1, coordinatorEpoch: 3, committed: false, partitions: at })).to.deep.equal([0]);
    expect(await writeMarker(conn, { producerId: 1005, producerEpoch: 1, coordinatorEpoch: 2, committed: false, partitions: at }))
      .to.deep.equal([ErrorCode.TRANSACTION_COORDINATOR_FENCED.code]);
    expect(await writeMarker(conn, { producerId: 1005, committed: false, partitions: [{ topic: 'no-such-topic', partition: 0 }] }))
      .to.deep.equal([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code]);
  });

  it('describes the producers of a partition, with the open transaction start', async () => {
    const open = await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1006, baseSequence: 0, values: ['e1', 'e2'] }));
    const answer = await conn.send(Api.DescribeProducers, { topics: [{ name: TOPIC, partitionIndexes: [0] }] });
    const producers = answer.topics[0].partitions[0].activeProducers;
    expect(producers.find((p) => p.producerId === 1006)).to.deep.include({ producerEpoch: 0, lastSequence: 1, coordinatorEpoch: -1, currentTxnStartOffset: open.baseOffset });
    expect(producers.find((p) => p.producerId === 1005)).to.deep.include({ producerEpoch: 1, coordinatorEpoch: 3, currentTxnStartOffset: -1 });
  });

  it('serves WriteTxnMarkers, DescribeProducers, Fetch v11 and ListOffsets v5 the same on the Kafka listener', async () => {
    const port = broker.boundPort('KAFKA');
    const lso = await latestOffset(conn, TOPIC, 0, 1);
    const described = await kafkaExchange(port, KafkaDescribeProducers, 0, { topics: [{ name: TOPIC, partitionIndexes: [0] }] });
    expect(described.topics[0].partitions[0].activeProducers.find((p) => p.producerId === 1006)?.currentTxnStartOffset).to.equal(lso);
    const fetchBody = (isolationLevel: number) => ({
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1,
      topics: [{ name: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const committed = (await kafkaExchange(port, KafkaFetch, 11, fetchBody(1))).topics[0].partitions[0];
    expect(committed.lastStableOffset).to.equal(lso);
    expect(committed.abortedTransactions).to.deep.equal([{ producerId: 1001, firstOffset: 1 }, { producerId: 1005, firstOffset: 8 }]);
    expect((await kafkaExchange(port, KafkaFetch, 11, fetchBody(0))).topics[0].partitions[0].abortedTransactions).to.equal(null);
    const listed = await kafkaExchange(port, KafkaListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
    expect(listed.topics[0].partitions[0].offset).to.equal(lso);
    const marked = await kafkaExchange(port, KafkaWriteTxnMarkers, 1, {
      markers: [{ producerId: 1006, producerEpoch: 0, transactionResult: false, topics: [{ name: TOPIC, partitionIndexes: [0] }], coordinatorEpoch: 0 }],
    });
    expect(marked.markers[0].topics[0].partitions).to.deep.equal([{ partitionIndex: 0, errorCode: 0 }]);
    expect(await latestOffset(conn, TOPIC, 0, 1)).to.equal(await latestOffset(conn, TOPIC, 0, 0));
  });

  it('keeps an open transaction and the aborted index across a restart, rebuilding a missing .txnindex', async () => {
    await produceBatch(conn, TOPIC, 0, txnBatch({ producerId: 1007, baseSequence: 0, values: ['f1'] }));
    const lso = await latestOffset(conn, TOPIC, 0, 1);
    const before = await fetchPartition(conn, TOPIC, 0, 0, 1);
    expect(before.lastStableOffset).to.equal(lso).and.be.lessThan(before.highWatermark);
    conn.close();
    await broker.shutdown();
    const partitionDir = path.join(logDir, `${TOPIC}-0`);
    const txnIndexes = fs.readdirSync(partitionDir).filter((f) => f.endsWith('.txnindex'));
    expect(txnIndexes).to.have.length(1);
    expect(fs.statSync(path.join(partitionDir, txnIndexes[0])).size).to.equal(3 * 34);
    fs.rmSync(path.join(partitionDir, txnIndexes[0]));
    await start();
    const after = await fetchPartition(conn, TOPIC, 0, 0, 1);
    expect(after).to.include({ lastStableOffset: lso, highWatermark: before.highWatermark });
    expect(after.abortedTransactions).to.deep.equal(before.abortedTransactions);
    expect(fs.statSync(path.join(partitionDir, txnIndexes[0])).size).to.equal(3 * 34);
  });

  it('shows markers, the transactional flag and the .txnindex in samsa-dump-log, as Kafka prints them', async () => {
    const partitionDir = path.join(logDir, `${TOPIC}-0`);
    const segment = fs.readdirSync(partitionDir).filter((f) => f.endsWith('.log'))[0];
    const io = captureIo();
    const code = await dumpLog(['--deep-iteration', '--files', [segment, segment.replace('.log', '.txnindex')].map((f) => path.join(partitionDir, f)).join(',')], io);
    expect(code, io.stderrText()).to.equal(0);
    const out = io.stdoutText();
    expect(out).to.match(/baseOffset: 1 lastOffset: 2 count: 2 baseSequence: 0 lastSequence: 1 producerId: 1001 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: true isControl: false/);
    expect(out).to.match(/baseOffset: 4 lastOffset: 4 count: 1 baseSequence: -1 lastSequence: -1 producerId: 1001 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: true isControl: true/);
    expect(out).to.match(/\| offset: 4 CreateTime: \d+ keySize: 4 valueSize: 6 sequence: -1 headerKeys: \[\] endTxnMarker: ABORT coordinatorEpoch: 0/);
    expect(out).to.match(/\| offset: 5 CreateTime: \d+ keySize: 4 valueSize: 6 sequence: -1 headerKeys: \[\] endTxnMarker: COMMIT coordinatorEpoch: 0/);
    expect(out).to.include('version: 0 producerId: 1001 firstOffset: 1 lastOffset: 4 lastStableOffset: 3\n');
    expect(out).to.include('version: 0 producerId: 1005 firstOffset: 8 lastOffset: 9 lastStableOffset: 10\n');
  });
});
