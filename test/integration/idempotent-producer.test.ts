import { expect } from 'chai';
import * as net from 'net';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Connection } from '../../lib/client/connection';
import { Consumer } from '../../lib/client/consumer';
import { Producer, ProducerOptions } from '../../lib/client/producer';
import { Api } from '../../lib/protocol/api';
import { ZkClient } from '../../lib/zk/zk-client';
import { freePort, startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const PRODUCE_KEY = 0;

/**
 * A TCP proxy in front of one broker that loses Produce responses: for the first `budget`
 * Produce requests it forwards the request, waits until the broker's response to it arrives
 * (so the broker has appended the records) and then cuts the connection instead of passing the
 * response on. Every other frame goes through untouched.
 */
class ResponseLosingProxy {
  lost = 0;
  /** How many more Produce responses to lose. */
  budget = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server, readonly port: number, private readonly targetPort: number) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(port: number, targetPort: number): Promise<ResponseLosingProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return new ResponseLosingProxy(server, port, targetPort);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    let doomed: number | null = null;
    frames(client, (frame) => {
      // Request header: apiKey int16, apiVersion int16, correlationId int32.
      if (doomed === null && this.budget > 0 && frame.readInt16BE(4) === PRODUCE_KEY) {
        this.budget--;
        doomed = frame.readInt32BE(8);
      }
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      if (doomed !== null && frame.readInt32BE(4) === doomed) {
        this.lost++;
        client.destroy();
        return;
      }
      client.write(frame);
    });
  }
}

/** Calls `onFrame` with each whole size-prefixed frame read from the socket. */
function frames(socket: net.Socket, onFrame: (frame: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  });
}

async function readAll(bootstrap: string, topic: string, atLeast: number): Promise<string[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest' });
  await consumer.connect();
  consumer.assign([{ topic, partition: 0 }]);
  const values: string[] = [];
  const deadline = Date.now() + 30000;
  try {
    while (values.length < atLeast && Date.now() < deadline) {
      for (const r of await consumer.poll(500)) values.push(r.value!.toString());
    }
    // Anything beyond what was sent (a duplicate) would show up now.
    for (const r of await consumer.poll(300)) values.push(r.value!.toString());
  } finally {
    await consumer.close();
  }
  return values;
}

describe('integration/idempotent-producer', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  after(async () => {
    await zk?.stop();
  });

  it('two brokers hand out disjoint producer ids, each from its own block of /latest_producer_id_block', async () => {
    const brokers = [await startBroker({ brokerId: 1, zkConnect: zk.connectString }), await startBroker({ brokerId: 2, zkConnect: zk.connectString })];
    const connections = brokers.map((b) => new Connection({ host: '127.0.0.1', port: b.port }));
    try {
      const ids: number[][] = [[], []];
      for (let round = 0; round < 3; round++) {
        for (const i of [0, 1]) {
          const resp = await connections[i].send(Api.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60000 });
          expect(resp).to.include({ errorCode: 0, producerEpoch: 0 });
          ids[i].push(resp.producerId);
        }
      }
      const blockOf = (id: number) => Math.floor(id / 1000);
      for (const list of ids) expect(list).to.deep.equal([list[0], list[0] + 1, list[0] + 2]);
      expect(blockOf(ids[0][0])).to.not.equal(blockOf(ids[1][0]));
      expect(new Set([...ids[0], ...ids[1]]).size).to.equal(6);

      const client = await ZkClient.connect({ connectString: zk.connectString });
      try {
        const znode = JSON.parse((await client.getData('/latest_producer_id_block')).data!.toString());
        expect(znode).to.include({ version: 1, block_start: '1000', block_end: '1999' });
      } finally {
        await client.close();
      }
      // A transactional id goes to its transaction coordinator, which this broker is not: no id is claimed for it here.
      const refused = await connections[0].send(Api.InitProducerId, { transactionalId: 'tx', transactionTimeoutMs: 60000 });
      expect(refused).to.deep.equal({ throttleTimeMs: 0, errorCode: 16, producerId: -1, producerEpoch: -1 });
    } finally {
      for (const c of connections) c.close();
      for (const b of brokers) await b.shutdown();
    }
  });

  it('answers from its block while ZooKeeper is unresponsive, and COORDINATOR_NOT_AVAILABLE when it needs a new block', async () => {
    const brokers = [await startBroker({ brokerId: 1, zkConnect: zk.connectString }), await startBroker({ brokerId: 2, zkConnect: zk.connectString })];
    const connections = brokers.map((b) => new Connection({ host: '127.0.0.1', port: b.port, requestTimeoutMs: 20000 }));
    const init = (i: number) => connections[i].send(Api.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60000 });
    try {
      expect((await init(0)).errorCode).to.equal(0);
      zk.pause();
      try {
        expect((await init(0)).errorCode).to.equal(0);
        const started = Date.now();
        expect((await init(1)).errorCode).to.equal(15);
        expect(Date.now() - started).to.be.below(10000);
      } finally {
        zk.resume();
      }
      // Like a producer, retry until the broker has its block (ZooKeeper may still be reconnecting).
      let code = -1;
      await waitUntil('a producer id from broker 2', async () => (code = (await init(1)).errorCode) === 0, 20000, 200);
      expect(code).to.equal(0);
    } finally {
      for (const c of connections) c.close();
      for (const b of brokers) await b.shutdown();
    }
  });

  describe('with Produce responses lost after the broker appended', () => {
    let broker: Broker;
    let proxy: ResponseLosingProxy;
    let bootstrap: string;
    const values = Array.from({ length: 300 }, (_, i) => `record-${i}`);

    beforeEach(async () => {
      const brokerPort = await freePort();
      const proxyPort = await freePort();
      proxy = await ResponseLosingProxy.start(proxyPort, brokerPort);
      // Clients learn the proxy's address from metadata, so all their traffic goes through it.
      broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, port: brokerPort, overrides: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxyPort}` } });
      bootstrap = `127.0.0.1:${proxyPort}`;
    });

    afterEach(async () => {
      await broker?.shutdown();
      await proxy?.stop();
    });

    async function produce(topic: string, options: Partial<ProducerOptions>): Promise<number[]> {
      const admin = new Admin({ bootstrapServers: bootstrap });
      await admin.createTopic({ topic, numPartitions: 1, replicationFactor: 1 });
      await admin.close();
      const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 0, batchSize: 400, retryBackoffMs: 10, ...options });
      await producer.connect();
      proxy.budget = 3;
      try {
        const acks = await Promise.all(values.map((value) => producer.send({ topic, partition: 0, value })));
        return acks.map((a) => a.offset);
      } finally {
        await producer.close();
      }
    }

    it('writes every record once and in order when the idempotent producer resends', async () => {
      const offsets = await produce('dedup', {});
      expect(proxy.lost).to.equal(3);
      expect(offsets).to.deep.equal(values.map((_, i) => i));
      expect(await readAll(bootstrap, 'dedup', values.length)).to.deep.equal(values);
    });

    it('duplicates records without idempotence (the control: the proxy does lose appended responses)', async () => {
      await produce('plain', { enableIdempotence: false });
      expect(proxy.lost).to.equal(3);
      const log = await readAll(bootstrap, 'plain', values.length + 1);
      expect(log.length).to.be.greaterThan(values.length);
      expect(new Set(log)).to.deep.equal(new Set(values));
    });
  });
});
