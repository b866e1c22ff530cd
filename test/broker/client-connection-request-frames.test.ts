import { expect } from 'chai';
import { ApiDispatcher } from '../../lib/broker/api-dispatcher';
import { NativeCodec } from '../../lib/broker/native-codec';
import { SocketServer } from '../../lib/broker/socket-server';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { requestFramePool } from '../../lib/storage/read-buffer-pool';
import { getLogger } from '../../lib/util/logger';

describe('broker/client-connection with pooled request frames', () => {
  let server: SocketServer;
  let client: Connection;
  /** The records of each Produce as the handler saw them, and whether they lay in a leased frame then. */
  const seen: Array<{ records: Buffer; leased: boolean; firstByte: number }> = [];
  let fail = false;

  beforeEach(async () => {
    const dispatcher = new ApiDispatcher();
    dispatcher.register(Api.Produce, async (req) => {
      const records = req.topics[0].partitions[0].records!;
      seen.push({ records, leased: requestFramePool.isLeased(records), firstByte: records[0] });
      await new Promise((resolve) => setImmediate(resolve));
      if (fail) throw new Error('handler failed');
      return { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ index: 0, errorCode: 0, baseOffset: records[0], logAppendTimeMs: -1, logStartOffset: 0, errorMessage: null }] }] };
    });
    server = new SocketServer((remote) => new NativeCodec(dispatcher, getLogger('test'), remote), { listenerName: 'PLAINTEXT', maxFrameBytes: 1 << 20, maxInFlightRequests: 100, logger: getLogger('test') }, getLogger('test'));
    const port = await server.listen('127.0.0.1', 0);
    client = new Connection({ host: '127.0.0.1', port, requestTimeoutMs: 5000 });
  });

  afterEach(async () => {
    client.close();
    await server.shutdown(1000);
    seen.length = 0;
    fail = false;
  });

  const produce = (fill: number) => client.send(Api.Produce, {
    transactionalId: null, acks: 1, timeoutMs: 1000,
    topics: [{ name: 't', partitions: [{ index: 0, records: Buffer.alloc(300_000, fill) }] }],
  });

  it('copies a large Produce frame into a leased buffer and releases it once answered, keeping pipelined requests intact', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((fill) => produce(fill)));
    expect(answers.map((a) => a.topics[0].partitions[0].baseOffset)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(seen.map((s) => s.firstByte)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(seen.every((s) => s.leased), 'frames spread over socket reads are pooled').to.equal(true);
    expect(seen.every((s) => !requestFramePool.isLeased(s.records)), 'every frame given back').to.equal(true);
  });

  it('leaves the frame of a failed request to the garbage collector', async () => {
    fail = true;
    const err = await produce(9).then(() => null, (e: Error) => e);
    expect(err).to.not.equal(null);
    expect(seen).to.have.length(1);
    expect(seen[0].leased).to.equal(true);
    expect(requestFramePool.isLeased(seen[0].records), 'not reused while another append might hold it').to.equal(true);
  });
});
