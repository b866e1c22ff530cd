import * as net from 'net';
import { expect } from 'chai';
import { ApiDispatcher } from '../../../lib/broker/api-dispatcher';
import { NativeCodec } from '../../../lib/broker/native-codec';
import { SocketServer } from '../../../lib/broker/socket-server';
import { Connection } from '../../../lib/client/connection';
import { buildBrokerConfig } from '../../../lib/config/broker-config';
import { Api } from '../../../lib/protocol/api';
import { ErrorCode } from '../../../lib/protocol/errors';
import { formatPrincipal } from '../../../lib/security/principal';
import { clientSecurityFromProperties } from '../../../lib/security/client-security-config';
import { getLogger, Logger } from '../../../lib/util/logger';
import { waitUntil } from '../../helpers/wait';
import { CLIENT_DN, testCerts } from '../../helpers/certs';

const certs = testCerts();

interface Served {
  server: SocketServer;
  port: number;
  warnings: string[];
}

/** A native SSL listener's acceptor over a one-API dispatcher, with its warn lines collected. */
async function serve(ssl: Record<string, string>): Promise<Served> {
  const { config } = buildBrokerConfig({ 'broker.id': 1, 'zookeeper.connect': 'localhost:2181', listeners: 'SSL://127.0.0.1:0', ...ssl });
  const dispatcher = new ApiDispatcher();
  dispatcher.register(Api.Metadata, () => ({ brokers: [], clusterId: 'tls', controllerId: 7, topics: [] }));
  const warnings: string[] = [];
  const base = getLogger('tls-test');
  const logger = { warn: (m: string) => warnings.push(m), debug: () => undefined, info: () => undefined, error: (m: string) => base.error(m) } as unknown as Logger;
  const server = new SocketServer((remote) => new NativeCodec(dispatcher, logger, remote),
    { listenerName: 'SSL', securityProtocol: 'SSL', maxFrameBytes: 1 << 20, maxInFlightRequests: 10, logger }, logger, config.listenerTls.SSL);
  return { server, port: await server.listen('127.0.0.1', 0), warnings };
}

const BROKER = { 'ssl.keystore.location': certs.broker.keystore, 'ssl.truststore.location': certs.ca };

function client(port: number, props: Record<string, string>, host = '127.0.0.1'): Connection {
  return new Connection({ host, port, requestTimeoutMs: 5000, connectTimeoutMs: 5000, security: clientSecurityFromProperties({ 'security.protocol': 'SSL', ...props }) });
}

async function metadata(conn: Connection): Promise<number> {
  try {
    return (await conn.send(Api.Metadata, { topics: [], allowAutoTopicCreation: false })).controllerId;
  } finally {
    conn.close();
  }
}

describe('security/tls on a native listener', function () {
  this.timeout(20000);
  const servers: SocketServer[] = [];
  async function start(ssl: Record<string, string>): Promise<Served> {
    const s = await serve(ssl);
    servers.push(s.server);
    return s;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.shutdown(500)));
  });

  it('serves a TLS client that trusts the CA, as ANONYMOUS without a client certificate', async () => {
    const { server, port } = await start(BROKER);
    const conn = client(port, { 'ssl.truststore.location': certs.ca });
    await conn.connect();
    await waitUntil('one session', () => server.sessions.length === 1, 5000);
    expect(server.sessions[0].securityProtocol).to.equal('SSL');
    expect(formatPrincipal(server.sessions[0].principal)).to.equal('User:ANONYMOUS');
    expect(await metadata(conn)).to.equal(7);
  });

  it('with ssl.client.auth=required refuses a client without a certificate and names the DN of one with it', async () => {
    const { server, port, warnings } = await start({ ...BROKER, 'ssl.client.auth': 'required' });
    const err = await metadata(client(port, { 'ssl.truststore.location': certs.ca })).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(/^SSL handshake failed: /);
    await waitUntil('a warn line', () => warnings.length === 1, 5000);
    expect(warnings[0]).to.match(/^Failed authentication with \/127\.0\.0\.1:\d+ on listener SSL \(SSL handshake failed: /);

    const conn = client(port, { 'ssl.truststore.location': certs.ca, 'ssl.keystore.location': certs.client.keystore });
    expect(await metadata(client(port, { 'ssl.truststore.location': certs.ca, 'ssl.keystore.location': certs.client.keystore }))).to.equal(7);
    await conn.connect();
    await waitUntil('one session', () => server.sessions.length === 1, 5000);
    expect(formatPrincipal(server.sessions[0].principal)).to.equal(`User:${CLIENT_DN}`);
    conn.close();
  });

  it('with ssl.client.auth=requested accepts no certificate, maps a trusted one and refuses an untrusted one', async () => {
    const { server, port, warnings } = await start({ ...BROKER, 'ssl.client.auth': 'requested', 'ssl.principal.mapping.rules': 'RULE:^CN=(.*?),OU=eng,.*$/$1/U,DEFAULT' });
    expect(await metadata(client(port, { 'ssl.truststore.location': certs.ca }))).to.equal(7);
    const conn = client(port, { 'ssl.truststore.location': certs.ca, 'ssl.keystore.location': certs.client.keystore });
    await conn.connect();
    await waitUntil('a certificate session', () => server.sessions.some((s) => s.principal.name !== 'ANONYMOUS'), 5000);
    expect(server.sessions.map((s) => formatPrincipal(s.principal))).to.include('User:ALICE');
    conn.close();
    const rogue = await metadata(client(port, { 'ssl.truststore.location': certs.ca, 'ssl.keystore.location': certs.rogueClient.keystore })).catch((e: Error) => e);
    expect(rogue).to.be.instanceOf(Error);
    await waitUntil('the untrusted-certificate warning', () => warnings.some((w) => w.includes('client certificate not trusted')), 5000);
  });

  it('drops a plaintext client cleanly with one warn line and keeps serving TLS clients', async () => {
    const { port, warnings } = await start(BROKER);
    const plain = new Connection({ host: '127.0.0.1', port, requestTimeoutMs: 3000 });
    const err = await plain.send(Api.Metadata, { topics: [], allowAutoTopicCreation: false }).catch((e: Error) => e);
    plain.close();
    expect(err).to.be.instanceOf(Error);
    expect((err as { code?: number }).code).to.be.oneOf([ErrorCode.NETWORK_EXCEPTION.code, ErrorCode.REQUEST_TIMED_OUT.code]);
    await waitUntil('a warn line', () => warnings.length === 1, 5000);
    expect(warnings[0]).to.contain('Failed authentication with /127.0.0.1');
    // Garbage bytes too.
    const raw = net.connect(port, '127.0.0.1');
    raw.on('error', () => undefined);
    raw.write(Buffer.alloc(64, 0x41));
    await new Promise((r) => raw.once('close', r));
    expect(await metadata(client(port, { 'ssl.truststore.location': certs.ca }))).to.equal(7);
  });

  it('shuts down at once while a client sits in the middle of its handshake', async () => {
    const { server, port } = await start(BROKER);
    const idle = net.connect(port, '127.0.0.1');
    idle.on('error', () => undefined);
    await new Promise((r) => idle.once('connect', r));
    const started = Date.now();
    await server.shutdown(200);
    expect(Date.now() - started).to.be.lessThan(2000);
  });

  it('verifies the host name by default and not with an empty ssl.endpoint.identification.algorithm', async () => {
    const { port } = await start({ 'ssl.keystore.location': certs.wrongHost.keystore });
    const err = await metadata(client(port, { 'ssl.truststore.location': certs.ca }, 'localhost')).catch((e: Error) => e);
    expect((err as Error).message).to.match(/^SSL handshake failed: .*(altnames|Hostname)/);
    expect(await metadata(client(port, { 'ssl.truststore.location': certs.ca, 'ssl.endpoint.identification.algorithm': '' }, 'localhost'))).to.equal(7);
    const untrusted = await metadata(client(port, {}, 'localhost')).catch((e: Error) => e);
    expect((untrusted as Error).message).to.match(/^SSL handshake failed: /);
  });

  it('serves a broker with the certificate for localhost to a client checking localhost and 127.0.0.1', async () => {
    const { port } = await start(BROKER);
    expect(await metadata(client(port, { 'ssl.truststore.location': certs.ca }, 'localhost'))).to.equal(7);
    expect(await metadata(client(port, { 'ssl.truststore.location': certs.ca, 'ssl.enabled.protocols': 'TLSv1.2' }))).to.equal(7);
  });
});
