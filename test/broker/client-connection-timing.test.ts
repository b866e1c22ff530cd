import { expect } from 'chai';
import { ApiDispatcher } from '../../lib/broker/api-dispatcher';
import { NativeCodec } from '../../lib/broker/native-codec';
import { parkedWhile, RequestTiming } from '../../lib/broker/request-timing';
import { SocketServer } from '../../lib/broker/socket-server';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { getLogger } from '../../lib/util/logger';
import { waitUntil } from '../helpers/wait';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('broker/client-connection request timing', () => {
  let server: SocketServer;
  let client: Connection;
  let observed: RequestTiming[];

  beforeEach(async () => {
    observed = [];
    const dispatcher = new ApiDispatcher(undefined, { requestCompleted: (t) => observed.push(t) });
    // Metadata for topic "local-N" works N ms itself; "remote-N" waits N ms parked, like a long-poll fetch.
    dispatcher.register(Api.Metadata, async (req, ctx) => {
      const [kind, n] = (req.topics?.[0] ?? 'local-0').split('-');
      if (kind === 'remote') await parkedWhile(ctx.timing, sleep(Number(n)));
      else await sleep(Number(n));
      if (kind === 'fail') throw new Error('handler bug');
      return { brokers: [], clusterId: null, controllerId: Number(n), topics: [] };
    });
    dispatcher.register(Api.Produce, () => null);
    const logger = getLogger('test');
    server = new SocketServer((remote) => new NativeCodec(dispatcher, logger, remote),
      { listenerName: 'PLAINTEXT', maxFrameBytes: 4096, maxInFlightRequests: 100, logger, observer: dispatcher.observer }, logger);
    const port = await server.listen('127.0.0.1', 0);
    client = new Connection({ host: '127.0.0.1', port, requestTimeoutMs: 5000 });
  });

  afterEach(async () => {
    client.close();
    await server.shutdown(1000);
  });

  const metadata = (topic: string) => client.send(Api.Metadata, { topics: [topic], allowAutoTopicCreation: false });

  it('puts parked time in remote, handler time in local, and waiting behind a slower request in response queue', async () => {
    await Promise.all([metadata('remote-120'), metadata('local-60'), metadata('local-0')]);
    await waitUntil('three requests observed', async () => observed.length === 3);
    const [remote, local, quick] = observed;
    expect(remote.apiName).to.equal('Metadata');
    expect(remote.remoteMs).to.be.at.least(110);
    expect(remote.localMs).to.be.lessThan(30);
    expect(local.remoteMs).to.equal(0);
    expect(local.localMs).to.be.at.least(50);
    // Answered at once, but sent after the two before it: its wait is response queue time.
    expect(quick.localMs).to.be.lessThan(30);
    expect(quick.responseQueueMs).to.be.at.least(80);
    for (const t of observed) {
      expect(t.failed).to.equal(false);
      for (const part of [t.queueMs, t.localMs, t.remoteMs, t.responseQueueMs, t.sendMs]) expect(part).to.be.at.least(0);
      expect(t.totalMs).to.be.closeTo(t.queueMs + t.localMs + t.remoteMs + t.responseQueueMs + t.sendMs, 1e-6);
    }
  });

  it('marks a failed handler, and observes a request without a response once answered', async () => {
    await metadata('fail-0').catch(() => undefined);
    await client.send(Api.Produce, { transactionalId: null, acks: 0, timeoutMs: 100, topics: [] }, { expectResponse: false });
    await waitUntil('both observed', async () => observed.length === 2);
    expect(observed.map((t) => [t.apiName, t.failed])).to.deep.equal([['Metadata', true], ['Produce', false]]);
    expect(observed[1].sendMs).to.equal(0);
  });
});
