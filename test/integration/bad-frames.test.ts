import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { readResponseHeader } from '../../lib/protocol/frame';
import { Reader } from '../../lib/protocol/reader';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { startBroker } from '../helpers/cluster';
import { rawExchange } from '../helpers/raw-socket';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

async function sendRaw(port: number, bytes: Buffer): Promise<Buffer[]> {
  return (await rawExchange(port, bytes)).frames;
}

describe('integration/bad-frames', function () {
  this.timeout(60000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let conn: Connection;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { 'socket.request.max.bytes': 65536, 'message.max.bytes': 2048 } });
    conn = new Connection({ host: '127.0.0.1', port: broker.port });
    const created = await conn.send(Api.CreateTopics, {
      topics: [{ name: 'frames', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10000, validateOnly: false,
    });
    expect(created.topics[0].errorCode).to.equal(0);
  });

  after(async () => {
    conn?.close();
    await broker?.shutdown();
    await zk?.stop();
  });

  async function stillServes(): Promise<void> {
    const md = await conn.send(Api.Metadata, { topics: ['frames'], allowAutoTopicCreation: false });
    expect(md.topics[0].errorCode).to.equal(0);
  }

  it('survives garbage bytes, oversized and truncated frames and keeps serving others', async () => {
    const garbage = await sendRaw(broker.port, Buffer.from('this is not a samsa frame at all'));
    expect(garbage).to.have.length.at.most(1);
    await stillServes();
    const oversized = await sendRaw(broker.port, Buffer.from('7fffffff0003000000000063', 'hex'));
    expect(readResponseHeader(new Reader(oversized[0]))).to.include({ correlationId: 99, errorCode: ErrorCode.INVALID_REQUEST.code });
    await stillServes();
    const truncated = Buffer.from('0000000c' + '0000' + '0000' + '00000005' + 'ffff' + '0000', 'hex');
    const answer = await sendRaw(broker.port, truncated);
    expect(readResponseHeader(new Reader(answer[0])).errorCode).to.equal(ErrorCode.INVALID_REQUEST.code);
    await stillServes();
    const randomBytes = Buffer.alloc(4096);
    for (let i = 0; i < randomBytes.length; i++) randomBytes[i] = (i * 7919) & 0xff;
    await sendRaw(broker.port, randomBytes);
    await stillServes();
  });

  it('rejects a corrupt batch and an oversized batch per partition and loses nothing else', async () => {
    const good = encodeRecordBatch([{ key: null, value: Buffer.from('ok') }], {});
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length - 1] ^= 0xff;
    const big = encodeRecordBatch([{ key: null, value: Buffer.alloc(4096, 1) }], {});
    const produce = (records: Buffer) => conn.send(Api.Produce, {
      transactionalId: null, acks: 1, timeoutMs: 1000, topics: [{ name: 'frames', partitions: [{ index: 0, records }] }],
    });
    expect((await produce(corrupt)).topics[0].partitions[0].errorCode).to.equal(ErrorCode.CORRUPT_MESSAGE.code);
    expect((await produce(big)).topics[0].partitions[0].errorCode).to.equal(ErrorCode.MESSAGE_TOO_LARGE.code);
    const ok = (await produce(good)).topics[0].partitions[0];
    expect(ok.errorCode).to.equal(0);
    expect(ok.baseOffset).to.equal(0);
    const unknown = await conn.send(Api.Produce, {
      transactionalId: null, acks: 1, timeoutMs: 1000, topics: [{ name: 'nope', partitions: [{ index: 0, records: good }] }],
    });
    expect(unknown.topics[0].partitions[0].errorCode).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
    const badAcks = await conn.send(Api.Produce, {
      transactionalId: null, acks: 5, timeoutMs: 1000, topics: [{ name: 'frames', partitions: [{ index: 0, records: good }] }],
    });
    expect(badAcks.topics[0].partitions[0].errorCode).to.equal(ErrorCode.INVALID_REQUIRED_ACKS.code);
  });

  it('answers a fetch beyond the log end with OFFSET_OUT_OF_RANGE', async () => {
    const res = await conn.send(Api.Fetch, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
      topics: [{ name: 'frames', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 1000, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    expect(res.topics[0].partitions[0].errorCode).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE.code);
  });

  it('holds a fetch until data arrives (long poll) and answers as soon as it does', async () => {
    const started = Date.now();
    const fetch = conn.send(Api.Fetch, {
      replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
      topics: [{ name: 'frames', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    await new Promise((r) => setTimeout(r, 200));
    const other = new Connection({ host: '127.0.0.1', port: broker.port });
    await other.send(Api.Produce, {
      transactionalId: null, acks: 1, timeoutMs: 1000,
      topics: [{ name: 'frames', partitions: [{ index: 0, records: encodeRecordBatch([{ key: null, value: Buffer.from('late') }], {}) }] }],
    });
    other.close();
    const res = await fetch;
    const elapsed = Date.now() - started;
    expect(res.topics[0].partitions[0].records!.length).to.be.greaterThan(0);
    expect(elapsed).to.be.lessThan(4000);
  });
});
