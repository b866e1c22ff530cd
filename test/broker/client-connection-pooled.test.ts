import { expect } from 'chai';
import { ApiDispatcher } from '../../lib/broker/api-dispatcher';
import { NativeCodec } from '../../lib/broker/native-codec';
import { SocketServer } from '../../lib/broker/socket-server';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { readBufferPool } from '../../lib/storage/read-buffer-pool';
import { getLogger } from '../../lib/util/logger';
import { waitUntil } from '../helpers/wait';

describe('broker/client-connection with pooled read buffers', () => {
  let server: SocketServer;
  let client: Connection;
  const lent: Buffer[] = [];

  beforeEach(async () => {
    const dispatcher = new ApiDispatcher();
    // Each Fetch answers with records in a slab leased from the pool, as segment reads do.
    dispatcher.register(Api.Fetch, (req) => {
      const slab = readBufferPool.acquire(200_000);
      slab.fill(req.topics[0].partitions[0].partition);
      lent.push(slab);
      const records = slab.subarray(100, 150_100);
      return { throttleTimeMs: 0, errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1, lastStableOffset: 1, logStartOffset: 0, abortedTransactions: null, records }] }] };
    });
    server = new SocketServer((remote) => new NativeCodec(dispatcher, getLogger('test'), remote), { listenerName: 'PLAINTEXT', maxFrameBytes: 4096, maxInFlightRequests: 100, logger: getLogger('test') }, getLogger('test'));
    const port = await server.listen('127.0.0.1', 0);
    client = new Connection({ host: '127.0.0.1', port, requestTimeoutMs: 5000 });
  });

  afterEach(async () => {
    client.close();
    await server.shutdown(1000);
    lent.length = 0;
  });

  const fetch = (fill: number) => client.send(Api.Fetch, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
    topics: [{ name: 't', partitions: [{ partition: fill, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
  });

  it('sends the leased bytes as they are and gives the slab back once written', async () => {
    const answer = await fetch(7);
    const records = answer.topics[0].partitions[0].records!;
    expect(records.length).to.equal(150_000);
    expect(records.every((b) => b === 7)).to.equal(true);
    await waitUntil('the slab released', () => !readBufferPool.isLeased(lent[0]), 5000);
  });

  it('keeps pipelined responses intact and gives every slab back', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((fill) => fetch(fill)));
    answers.forEach((answer, i) => {
      const records = answer.topics[0].partitions[0].records!;
      expect(records.length).to.equal(150_000);
      expect(records.every((b) => b === i + 1)).to.equal(true);
    });
    await waitUntil('every slab released', () => lent.every((slab) => !readBufferPool.isLeased(slab)), 5000);
  });
});
