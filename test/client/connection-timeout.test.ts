/**
 * Regression test for a defect the chaos suite found (client-leader scenario): a request that
 * timed out left its connection open, so after a network partition healed every later request
 * went onto the half-dead socket and waited out its own timeout (22 s to recover instead of a
 * reconnect). As Kafka's NetworkClient, a timed-out request now closes the connection.
 */
import { expect } from 'chai';
import * as net from 'net';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { waitUntil } from '../helpers/wait';

describe('client/connection request timeout', function () {
  this.timeout(10000);

  it('closes the connection when a request times out, and the next send reconnects', async () => {
    const sockets: net.Socket[] = [];
    let closed = 0;
    // Accepts and never answers: a peer whose answers a partition drops.
    const server = net.createServer((s) => {
      sockets.push(s);
      s.resume(); // read (and drop) requests, so the client's FIN is seen
      s.on('close', () => { closed++; });
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const conn = new Connection({ host: '127.0.0.1', port, requestTimeoutMs: 200 });
    try {
      const first = conn.send(Api.ApiVersions, {});
      const second = conn.send(Api.ApiVersions, {}, { timeoutMs: 5000 });
      const err = await first.catch((e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      expect((err as { errorName?: string }).errorName).to.equal('REQUEST_TIMED_OUT');
      // The other request on the dead connection fails at once instead of waiting out its 5 s.
      const other = await second.catch((e: Error) => e);
      expect((other as { errorName?: string }).errorName).to.equal('NETWORK_EXCEPTION');
      await waitUntil('the server to see the connection closed', () => closed === 1, 3000);
      await waitUntil('the client to notice the close', () => !conn.isConnected, 3000);
      const third = conn.send(Api.ApiVersions, {}).catch((e: Error) => e);
      await waitUntil('a new connection', () => sockets.length === 2, 3000);
      expect(((await third) as { errorName?: string }).errorName).to.equal('REQUEST_TIMED_OUT');
    } finally {
      conn.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
