import { NativeCodec } from '../../lib/broker/native-codec';
import { expect } from 'chai';
import * as net from 'net';
import { ApiDispatcher } from '../../lib/broker/api-dispatcher';
import { SocketServer } from '../../lib/broker/socket-server';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { encodeRequestFrame, FrameDecoder, readResponseHeader } from '../../lib/protocol/frame';
import { Reader } from '../../lib/protocol/reader';
import { getLogger } from '../../lib/util/logger';
import { frame, rawExchange } from '../helpers/raw-socket';

const metadataResponse = (controllerId: number) => ({ brokers: [], clusterId: null, controllerId, topics: [] });

describe('broker/client-connection', () => {
  let server: SocketServer;
  let port: number;
  let client: Connection;

  beforeEach(async () => {
    const dispatcher = new ApiDispatcher();
    // Metadata requests naming a topic "slow-N" answer after N ms, so completion order differs from request order.
    dispatcher.register(Api.Metadata, async (req) => {
      const delay = Number((req.topics?.[0] ?? 'slow-0').split('-')[1]);
      await new Promise((r) => setTimeout(r, delay));
      if (req.topics?.[0] === 'slow-999') throw new Error('handler bug');
      return metadataResponse(delay);
    });
    dispatcher.register(Api.Produce, (req) => (req.acks === 0 ? null : { topics: [], throttleTimeMs: 0 }));
    server = new SocketServer((remote) => new NativeCodec(dispatcher, getLogger('test'), remote), { listenerName: 'PLAINTEXT', maxFrameBytes: 4096, maxInFlightRequests: 100, logger: getLogger('test') }, getLogger('test'));
    port = await server.listen('127.0.0.1', 0);
    client = new Connection({ host: '127.0.0.1', port, requestTimeoutMs: 5000 });
  });

  afterEach(async () => {
    client.close();
    await server.shutdown(1000);
  });

  it('answers pipelined requests in request order even when handlers finish out of order', async () => {
    const delays = [80, 5, 40, 0, 20];
    const order: number[] = [];
    await Promise.all(delays.map((d) =>
      client.send(Api.Metadata, { topics: [`slow-${d}`], allowAutoTopicCreation: false }).then((r) => order.push(r.controllerId))));
    expect(order).to.deep.equal(delays);
  });

  it('sends nothing for a request answered with null and keeps the next response matched', async () => {
    await client.send(Api.Produce, { transactionalId: null, acks: 0, timeoutMs: 100, topics: [] }, { expectResponse: false });
    const r = await client.send(Api.Metadata, { topics: ['slow-1'], allowAutoTopicCreation: false });
    expect(r.controllerId).to.equal(1);
  });

  it('turns a handler exception into an UNKNOWN_SERVER_ERROR response and keeps the connection', async () => {
    const err = await client.send(Api.Metadata, { topics: ['slow-999'], allowAutoTopicCreation: false }).catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.code).to.equal(ErrorCode.UNKNOWN_SERVER_ERROR.code);
    const r = await client.send(Api.Metadata, { topics: ['slow-2'], allowAutoTopicCreation: false });
    expect(r.controllerId).to.equal(2);
  });

  it('answers an oversized frame with INVALID_REQUEST for its correlation id and closes only that connection', async () => {
    // size 1 MiB (over the 4 KiB limit) | apiKey 3 | version 0 | correlationId 42
    const { frames, closed } = await rawExchange(port, Buffer.from('00100000' + '0003' + '0000' + '0000002a', 'hex'));
    expect(closed).to.equal(true);
    expect(frames).to.have.length(1);
    const header = readResponseHeader(new Reader(frames[0]));
    expect(header.correlationId).to.equal(42);
    expect(header.errorCode).to.equal(ErrorCode.INVALID_REQUEST.code);
    expect(header.errorMessage).to.match(/exceeds the limit of 4096 bytes/);
    const r = await client.send(Api.Metadata, { topics: ['slow-3'], allowAutoTopicCreation: false });
    expect(r.controllerId).to.equal(3);
  });

  it('answers an unknown API key with an error and closes the connection', async () => {
    const { frames, closed } = await rawExchange(port, frame('7000' + '0000' + '00000009' + 'ffff'));
    expect(closed).to.equal(true);
    const header = readResponseHeader(new Reader(frames[0]));
    expect(header).to.include({ correlationId: 9, errorCode: ErrorCode.INVALID_REQUEST.code });
    expect(header.errorMessage).to.match(/unknown API key 28672/);
  });

  it('answers an unsupported API version with UNSUPPORTED_VERSION', async () => {
    const { frames } = await rawExchange(port, frame('0003' + '0063' + '0000000a' + 'ffff' + 'ffffffff00'));
    const header = readResponseHeader(new Reader(frames[0]));
    expect(header).to.include({ correlationId: 10, errorCode: ErrorCode.UNSUPPORTED_VERSION.code });
  });

  it('answers a truncated body with INVALID_REQUEST', async () => {
    // Metadata v0 with a topic array claiming 5 entries but no bytes behind it.
    const { frames, closed } = await rawExchange(port, frame('0003' + '0000' + '0000000b' + 'ffff' + '00000005'));
    expect(closed).to.equal(true);
    const header = readResponseHeader(new Reader(frames[0]));
    expect(header).to.include({ correlationId: 11, errorCode: ErrorCode.INVALID_REQUEST.code });
  });

  it('closes on garbage bytes without answering and keeps serving others', async () => {
    const { frames, closed } = await rawExchange(port, Buffer.from('ffffffffdeadbeef', 'hex'));
    expect(closed).to.equal(true);
    expect(frames).to.have.length(0);
    const r = await client.send(Api.Metadata, { topics: ['slow-4'], allowAutoTopicCreation: false });
    expect(r.controllerId).to.equal(4);
  });

  it('closes on a frame too short to hold a request header', async () => {
    const { closed } = await rawExchange(port, frame('0003'));
    expect(closed).to.equal(true);
  });
  it('answers the requests of one read in one socket write, in request order', async () => {
    const requests = Buffer.concat([1, 2, 3].flatMap((correlationId) => encodeRequestFrame(
      { apiKey: Api.Produce.key, apiVersion: 0, correlationId, clientId: 'c' }, Api.Produce.request, { transactionalId: null, acks: 1, timeoutMs: 100, topics: [] })));
    const corks = { count: 0 };
    const cork = net.Socket.prototype.cork;
    net.Socket.prototype.cork = function (this: net.Socket) {
      corks.count++;
      return cork.call(this);
    };
    try {
      const ids = await new Promise<number[]>((resolve, reject) => {
        const decoder = new FrameDecoder(1 << 20);
        const got: number[] = [];
        const sock = net.connect({ port, host: '127.0.0.1' }, () => sock.write(requests));
        sock.on('data', (d) => {
          for (const f of decoder.push(d)) got.push(readResponseHeader(new Reader(f)).correlationId);
          if (got.length === 3) {
            sock.destroy();
            resolve(got);
          }
        });
        sock.on('error', reject);
      });
      expect(ids).to.deep.equal([1, 2, 3]);
      // Answered synchronously in one read, they leave in one corked write (was: one write each).
      expect(corks.count).to.equal(1);
    } finally {
      net.Socket.prototype.cork = cork;
    }
  });
});
