import { expect } from 'chai';
import * as net from 'net';
import { ApiDispatcher } from '../../lib/broker/api-dispatcher';
import { createListenerServer, ListenerServerDeps } from '../../lib/broker/listener-server';
import { SocketServer } from '../../lib/broker/socket-server';
import { StartupGate } from '../../lib/broker/startup-gate';
import { buildBrokerConfig } from '../../lib/config/broker-config';
import { Api } from '../../lib/protocol/api';
import { Connection } from '../../lib/client/connection';
import { RequestContext } from '../../lib/broker/request-context';
import { getLogger } from '../../lib/util/logger';

describe('broker/listener-server', () => {
  const { config } = buildBrokerConfig({
    'broker.id': '1', 'zookeeper.connect': 'localhost:2181', listeners: 'PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:0',
  });

  function deps(dispatcher = new ApiDispatcher()): ListenerServerDeps {
    return {
      config, dispatcher, startupGate: new StartupGate(1, 1000), logger: getLogger('test'),
      services: () => { throw new Error('not started'); },
    };
  }

  it('serves a native listener with a SocketServer that tells handlers the listener name', async () => {
    const seen: string[] = [];
    const dispatcher = new ApiDispatcher().register(Api.ApiVersions, (_req, ctx: RequestContext) => {
      seen.push(ctx.listenerName);
      return { errorCode: 0, apiKeys: [], throttleTimeMs: 0 };
    });
    const server = createListenerServer(config.listeners[0], deps(dispatcher));
    expect(server).to.be.instanceOf(SocketServer);
    const port = await server.listen('127.0.0.1', 0);
    const conn = new Connection({ host: '127.0.0.1', port, clientId: 'test' });
    try {
      await conn.send(Api.ApiVersions, {});
      expect(server.connectionCount).to.equal(1);
    } finally {
      conn.close();
      await server.shutdown(1000);
    }
    expect(seen).to.deep.equal(['PLAINTEXT']);
  });

  it('serves a Kafka-protocol listener with the Kafka codec over the same native handlers', async () => {
    const dispatcher = new ApiDispatcher()
      .register(Api.Metadata, () => ({ brokers: [], clusterId: 'c', controllerId: 1, topics: [] }))
      .register(Api.Produce, () => null).register(Api.Fetch, () => null).register(Api.ListOffsets, () => null);
    const server = createListenerServer(config.listeners[1], deps(dispatcher));
    const port = await server.listen('127.0.0.1', 0);
    try {
      // ApiVersions v0 in Kafka's framing: no error field in the response header, the table in the body.
      const answer = await new Promise<Buffer>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(Buffer.from('0000000a' + '0012' + '0000' + '00000007' + 'ffff', 'hex')));
        let got = Buffer.alloc(0);
        socket.on('data', (d) => {
          got = Buffer.concat([got, d]);
          if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
            socket.destroy();
            resolve(got.subarray(4));
          }
        });
        socket.on('error', reject);
      });
      expect(answer.readInt32BE(0)).to.equal(7);
      expect(answer.readInt16BE(4)).to.equal(0);
      const keys = answer.readInt32BE(6);
      const served = [...Array(keys).keys()].map((i) => answer.readInt16BE(10 + i * 6));
      expect(served).to.include.members([0, 1, 2, 3, 18]);
    } finally {
      await server.shutdown(1000);
    }
  });
});
