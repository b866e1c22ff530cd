import { expect } from 'chai';
import { registerBroker } from '../../lib/zk/broker-registration';
import { ZkClient } from '../../lib/zk/zk-client';
import { ZkError } from '../../lib/zk/zk-errors';
import { reapSession, SessionCredentials, ZkSession } from '../../lib/zk/zk-session';
import { ZkNodeData, ZkWatchEvent } from '../../lib/zk/zk-types';
import { sleep } from '../../lib/util/time';
import { BlackholeProxy } from '../helpers/blackhole-proxy';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';
import { waitUntil } from '../helpers/wait';

const SESSION_TIMEOUT_MS = 3000;

function once(emitter: ZkClient, event: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, () => {
      clearTimeout(timer);
      resolve(Date.now());
    });
  });
}

describe('zk/zk-client session state machine', function () {
  this.timeout(60000);
  let zk: TestZooKeeper;
  let observer: ZkClient;
  let client: ZkClient | null = null;
  let proxy: BlackholeProxy | null = null;

  before(async () => {
    zk = await startTestZooKeeper();
  });

  afterEach(async () => {
    zk.resume();
    await client?.close();
    await observer?.close();
    await proxy?.stop();
    proxy = null;
  });

  after(async () => {
    await zk?.stop();
  });

  it('keeps the session through a pause shorter than the session timeout', async () => {
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    const events: string[] = [];
    for (const e of ['disconnected', 'expired', 'new-session']) client.on(e, () => events.push(e));
    await client.create('/short-pause', null, 'EPHEMERAL');
    const sessionId = client.sessionId;
    zk.pause();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    zk.resume();
    expect((await client.exists('/short-pause'))?.ephemeralOwner).to.equal(sessionId);
    expect(client.sessionId).to.equal(sessionId);
    expect(client.state).to.equal('CONNECTED');
    expect(events).to.not.include('expired');
  });

  it('reconnects to the same session when ZooKeeper comes back, even after an outage longer than the session timeout', async () => {
    // Only a server expires a session, and a restarted one gives every session a fresh timeout.
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    const events: string[] = [];
    for (const e of ['disconnected', 'connected', 'expired']) client.on(e, () => events.push(e));
    await client.create('/survives-restart', null, 'EPHEMERAL');
    const sessionId = client.sessionId;
    const reconnected = once(client, 'connected', 60000);
    await zk.kill();
    await sleep(SESSION_TIMEOUT_MS * 2);
    expect(client.state).to.equal('DISCONNECTED');
    await zk.restart();
    await reconnected;
    // A late expiry would show within a session timeout of the reconnection.
    await sleep(SESSION_TIMEOUT_MS);
    expect(events).to.deep.equal(['disconnected', 'connected']);
    expect(client.sessionId).to.equal(sessionId);
    expect((await client.exists('/survives-restart'))?.ephemeralOwner).to.equal(sessionId);
  });

  it('keeps reconnecting while cut off past the timeout, hears of the expiry from the server on healing, then builds a new session and re-registers', async () => {
    proxy = await BlackholeProxy.start(zk.connectString);
    client = await ZkClient.connect({ connectString: proxy.address, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    observer = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 20000 });
    const registration = await registerBroker(client, { brokerId: 7, host: '127.0.0.1', port: 9092 });
    const oldSession = client.sessionId;
    const oldEpoch = registration.brokerEpoch;
    const events: string[] = [];
    for (const e of ['disconnected', 'expired', 'connected', 'new-session']) client.on(e, () => events.push(e));
    let expirations = 0;
    client.observe({ zkRequestCompleted: () => undefined, zkSessionExpired: () => expirations++ });
    const rawEvents: ZkWatchEvent[] = [];
    await client.getData('/brokers/ids/7', (e) => rawEvents.push(e));
    const seen: Array<string | null> = [];
    await client.watchData('/brokers/ids/7', (node: ZkNodeData | null) => { seen.push(node ? node.stat.ephemeralOwner : null); });

    const cutAt = Date.now();
    proxy.partition();
    const inFlight = client.getData('/brokers/ids/7').then(() => null, (err: ZkError) => err);
    // The server expires the silent session (its ephemeral node goes) ...
    await waitUntil('the server to expire the session', async () => (await observer.exists('/brokers/ids/7')) === null, 20000, 100);
    expect(Date.now() - cutAt).to.be.at.least(SESSION_TIMEOUT_MS - 1000);
    // ... but the client, which cannot hear that, keeps its session and keeps trying.
    await sleep(SESSION_TIMEOUT_MS);
    expect(client.state).to.equal('DISCONNECTED');
    expect(client.sessionId).to.equal(oldSession);
    expect(expirations).to.equal(0);
    expect(rawEvents).to.deep.equal([]);
    expect(events).to.deep.equal(['disconnected']);

    const newSession = once(client, 'new-session', 20000);
    const reRegistered = new Promise<bigint>((resolve) => registration.once('re-registered', resolve));
    proxy.heal();
    await newSession;
    expect(events).to.deep.equal(['disconnected', 'expired', 'connected', 'new-session']);
    expect(expirations).to.equal(1);
    expect((await inFlight)?.code).to.equal('SESSION_EXPIRED');
    expect(rawEvents).to.deep.equal([{ type: 'SESSION_EXPIRED', path: '/brokers/ids/7' }]);
    expect(client.sessionId).to.not.equal(oldSession);
    expect(client.ownsSession(oldSession)).to.equal(true);

    const newEpoch = await reRegistered;
    expect(newEpoch > oldEpoch).to.equal(true);
    expect(registration.brokerEpoch).to.equal(newEpoch);
    const stat = await observer.exists('/brokers/ids/7');
    expect(stat?.ephemeralOwner).to.equal(client.sessionId);
    expect(stat?.czxid).to.equal(newEpoch);
    await waitUntil('watchData to see the new registration', () => seen.at(-1) === client?.sessionId);
  });

  it('starts a new session when ZooKeeper itself reports the old one expired', async () => {
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 6000 });
    await client.create('/server-expired', null, 'EPHEMERAL');
    const oldSession = client.sessionId;
    const events: string[] = [];
    for (const e of ['expired', 'new-session']) client.on(e, () => events.push(e));
    const newSession = once(client, 'new-session', 15000);
    // Close the session from another connection, as the server does when it expires one.
    const credentials = (client as unknown as { session: ZkSession }).session.credentials();
    await reapSession(zk.connectString, credentials as SessionCredentials, 5000);
    await newSession;
    expect(events).to.deep.equal(['expired', 'new-session']);
    expect(client.sessionId).to.not.equal(oldSession);
    expect(await client.exists('/server-expired')).to.equal(null);
  });

  it('lets an expired-session handler close the client', async () => {
    client = await ZkClient.connect({ connectString: zk.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    const local = client;
    local.on('expired', () => { void local.close(); });
    const expired = once(local, 'expired', 15000);
    const credentials = (local as unknown as { session: ZkSession }).session.credentials();
    await reapSession(zk.connectString, credentials as SessionCredentials, 5000);
    await expired;
    await waitUntil('the client to close', () => local.state === 'CLOSED');
    let err: unknown;
    await local.getData('/').catch((e) => { err = e; });
    expect((err as ZkError).code).to.equal('CLIENT_CLOSED');
  });
});
