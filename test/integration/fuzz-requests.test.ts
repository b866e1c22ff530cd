import { expect } from 'chai';
import fc from 'fast-check';
import * as net from 'net';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { encodeRequestFrame } from '../../lib/protocol/frame';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { startBroker } from '../helpers/cluster';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

/** Sends one frame on a fresh socket and resolves after the first answer, a close, or 100 ms. */
function sendOnce(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' }, () => sock.write(bytes));
    const done = (): void => { sock.destroy(); resolve(); };
    sock.once('data', done);
    sock.once('close', done);
    sock.on('error', () => undefined);
    setTimeout(done, 100).unref();
  });
}

describe('integration/fuzz-requests', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString });
    const conn = new Connection({ host: '127.0.0.1', port: broker.port });
    await conn.send(Api.CreateTopics, { topics: [{ name: 'fuzz', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10000, validateOnly: false });
    conn.close();
  });

  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
  });

  // Well-formed client requests, mutated: flipped bytes, truncation, junk appended, lengths rewritten.
  const records = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] }], {});
  const seeds: Buffer[] = [
    Buffer.concat(encodeRequestFrame({ apiKey: 3, apiVersion: 0, correlationId: 1, clientId: 'fuzz' }, Api.Metadata.request, { topics: ['fuzz'], allowAutoTopicCreation: false })),
    Buffer.concat(encodeRequestFrame({ apiKey: 0, apiVersion: 0, correlationId: 2, clientId: 'fuzz' }, Api.Produce.request,
      { transactionalId: null, acks: 1, timeoutMs: 1000, topics: [{ name: 'fuzz', partitions: [{ index: 0, records }] }] })),
    Buffer.concat(encodeRequestFrame({ apiKey: 1, apiVersion: 0, correlationId: 3, clientId: 'fuzz' }, Api.Fetch.request,
      { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 65536, isolationLevel: 0,
        topics: [{ name: 'fuzz', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 65536 }] }] })),
    Buffer.concat(encodeRequestFrame({ apiKey: 2, apiVersion: 0, correlationId: 4, clientId: 'fuzz' }, Api.ListOffsets.request,
      { replicaId: -1, isolationLevel: 0, topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1 }] }] })),
    Buffer.concat(encodeRequestFrame({ apiKey: 19, apiVersion: 0, correlationId: 5, clientId: 'fuzz' }, Api.CreateTopics.request,
      { topics: [{ name: 'fuzz-new', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }], timeoutMs: 0, validateOnly: true })),
  ];

  it('survives 250 mutated requests and keeps answering well-formed ones', async () => {
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
      cut: fc.option(fc.nat()),
      junk: fc.uint8Array({ maxLength: 16 }),
      keepSize: fc.boolean(),
    });
    const samples = fc.sample(mutation, { numRuns: 250, seed: 42 });
    for (const m of samples) {
      let bytes = Buffer.from(seeds[m.seed]);
      // Leave the size prefix alone half the time so the mutation reaches the decoders, not just the framer.
      for (const f of m.flips) {
        const at = m.keepSize ? 4 + (f.at % (bytes.length - 4)) : f.at % bytes.length;
        bytes[at] = f.value;
      }
      if (m.cut !== null) bytes = bytes.subarray(0, Math.max(4, m.cut % bytes.length));
      bytes = Buffer.concat([bytes, Buffer.from(m.junk)]);
      if (m.keepSize) bytes.writeInt32BE(bytes.length - 4, 0);
      await sendOnce(broker.port, bytes);
    }
    const conn = new Connection({ host: '127.0.0.1', port: broker.port });
    const md = await conn.send(Api.Metadata, { topics: ['fuzz'], allowAutoTopicCreation: false });
    expect(md.topics[0].errorCode).to.equal(0);
    const fetched = await conn.send(Api.Fetch, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
      topics: [{ name: 'fuzz', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    expect(fetched.topics[0].partitions[0].errorCode).to.equal(0);
    conn.close();
  });
});
