import { expect } from 'chai';
import * as net from 'net';
import { resolveClientOptions } from '../../lib/client/client-options';
import { ConnectionPool } from '../../lib/client/connection-pool';
import { SamsaError } from '../../lib/protocol/errors';
import { FakeBroker } from './fake-broker';
import { waitUntil } from '../helpers/wait';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('client/connection-pool', function () {
  this.timeout(10000);
  let broker: FakeBroker;
  let pool: ConnectionPool | null = null;

  beforeEach(async () => {
    broker = await FakeBroker.start(1);
  });

  afterEach(async () => {
    pool?.close();
    pool = null;
    await broker.stop();
  });

  it('tries the bootstrap servers in order until one answers', async () => {
    const dead = await closedPort();
    pool = new ConnectionPool(resolveClientOptions({ bootstrapServers: [`127.0.0.1:${dead}`, broker.address] }));
    const conn = await pool.anyConnection();
    expect(conn.address).to.equal(broker.address);
    expect(conn.isConnected).to.equal(true);
  });

  it('reuses the bootstrap connection for the broker once its node id is known', async () => {
    pool = new ConnectionPool(resolveClientOptions({ bootstrapServers: broker.address }));
    const bootstrap = await pool.anyConnection();
    pool.setNodes([{ nodeId: 1, host: '127.0.0.1', port: broker.port }]);
    expect(await pool.forNode(1)).to.equal(bootstrap);
    expect(broker.connectionsAccepted).to.equal(1);
  });

  it('names every address it tried when none answers', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    pool = new ConnectionPool(resolveClientOptions({ bootstrapServers: `127.0.0.1:${a},127.0.0.1:${b}` }));
    const err = await pool.anyConnection().catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.errorName).to.equal('NETWORK_EXCEPTION');
    expect(err.message).to.contain(`127.0.0.1:${a}`).and.to.contain(`127.0.0.1:${b}`);
  });

  it('waits the reconnect backoff before trying a failed address again', async () => {
    const dead = await closedPort();
    pool = new ConnectionPool(resolveClientOptions({ bootstrapServers: `127.0.0.1:${dead}`, reconnectBackoffMs: 150, reconnectBackoffMaxMs: 1000 }));
    pool.setNodes([{ nodeId: 7, host: '127.0.0.1', port: dead }]);
    await pool.forNode(7).catch(() => undefined);
    expect(pool.backoffRemainingMs(7)).to.be.within(100, 180);
    const started = Date.now();
    await pool.forNode(7).catch(() => undefined);
    expect(Date.now() - started).to.be.at.least(100);
  });

  it('rejects an unknown node id with BROKER_NOT_AVAILABLE', async () => {
    pool = new ConnectionPool(resolveClientOptions({ bootstrapServers: broker.address }));
    const err = await pool.forNode(99).catch((e) => e);
    expect(err.errorName).to.equal('BROKER_NOT_AVAILABLE');
  });

  it('reconnects the same connection after the socket is closed', async () => {
    pool = new ConnectionPool(resolveClientOptions({ bootstrapServers: broker.address, reconnectBackoffMs: 10 }));
    pool.setNodes([{ nodeId: 1, host: '127.0.0.1', port: broker.port }]);
    const first = await pool.forNode(1);
    broker.dropConnections();
    await waitUntil('the dropped connection to be noticed', () => !first.isConnected, 2000);
    expect(first.isConnected).to.equal(false);
    const second = await pool.forNode(1);
    expect(second.isConnected).to.equal(true);
    expect(broker.connectionsAccepted).to.equal(2);
  });
});
