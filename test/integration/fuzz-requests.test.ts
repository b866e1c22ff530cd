import { expect } from 'chai';
import * as net from 'net';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { allApis, Api, apiByKey } from '../../lib/protocol/api';
import { readRequestHeader } from '../../lib/protocol/frame';
import { Reader } from '../../lib/protocol/reader';
import { startBroker } from '../helpers/cluster';
import { FrameMutator, MUTATION_KINDS } from '../helpers/frame-mutator';
import { buildSeedFrames } from '../helpers/fuzz-seeds';
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

  it('has a fuzz seed for every API in the protocol table', () => {
    const seeds = buildSeedFrames({ topic: 'fuzz', group: 'fuzz-group' });
    expect(seeds.map((s) => s.apiKey)).to.deep.equal(allApis().map((a) => a.key));
    for (const s of seeds) {
      expect(s.bytes.readInt32BE(0), s.name).to.equal(s.bytes.length - 4);
      const r = new Reader(s.bytes, 4);
      const header = readRequestHeader(r);
      apiByKey(header.apiKey)!.request.read(r, header.apiVersion);
      expect(r.remaining, `${s.name} decodes to its last byte`).to.equal(0);
    }
  });

  it('survives 250 mutated requests and keeps answering well-formed ones', async () => {
    // The same generator as `npm run fuzz` (bench/fuzz.ts), on a fixed seed and a much shorter run.
    const mutator = new FrameMutator(buildSeedFrames({ topic: 'fuzz', group: 'fuzz-group' }), 42);
    const kinds = new Set<string>();
    for (let i = 0; i < 250; i++) {
      const frame = mutator.next();
      kinds.add(frame.kind);
      await sendOnce(broker.port, frame.bytes);
    }
    expect(kinds.size, 'every kind of mutation was tried').to.equal(MUTATION_KINDS.length);
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
