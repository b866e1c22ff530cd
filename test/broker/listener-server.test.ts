import { expect } from 'chai';
import { ApiDispatcher } from '../../lib/broker/api-dispatcher';
import { createListenerServer, ListenerServerDeps } from '../../lib/broker/listener-server';
import { SocketServer } from '../../lib/broker/socket-server';
import { StartupGate } from '../../lib/broker/startup-gate';
import { buildBrokerConfig } from '../../lib/config/broker-config';
import { ConfigError } from '../../lib/config/config-error';
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

  it('refuses a Kafka-protocol listener until this build serves one, naming the listener', () => {
    expect(config.listeners[1].wireProtocol).to.equal('kafka');
    let caught: unknown;
    try {
      createListenerServer(config.listeners[1], deps());
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ConfigError);
    expect((caught as ConfigError).message).to.contain('listener KAFKA speaks the Kafka protocol, which this build does not serve yet');
    expect((caught as ConfigError).key).to.equal('listener.wire.protocol.map');
  });
});
