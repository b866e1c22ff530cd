import { expect } from 'chai';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { probeAddress, probeReady } from '../../scripts/docker-healthcheck';
import { REPO_ROOT } from '../helpers/cluster';
import { runProcess } from '../helpers/run-cli';

const SCRIPT = path.join(REPO_ROOT, 'dist', 'scripts', 'docker-healthcheck.js');

describe('scripts/docker-healthcheck', () => {
  let server: http.Server;
  let port: number;
  let status = 200;
  let requested: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"status":"READY"}' : '{"status":"NOT_READY","reason":"waiting for metadata"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => { requested = []; });

  it('probes wildcard bind addresses on loopback', () => {
    expect(probeAddress('http://0.0.0.0:8080')).to.deep.equal({ host: '127.0.0.1', port: 8080 });
    expect(probeAddress('http://:8080')).to.deep.equal({ host: '127.0.0.1', port: 8080 });
    expect(probeAddress('http://[::]:8080')).to.deep.equal({ host: '::1', port: 8080 });
    expect(probeAddress('http://broker1:8081')).to.deep.equal({ host: 'broker1', port: 8081 });
    expect(() => probeAddress('http://0.0.0.0:0')).to.throw('port 0');
    expect(() => probeAddress('tcp://x:1')).to.throw('not an http.listener value');
  });

  it('is healthy only when /ready answers 200', async () => {
    status = 200;
    expect(await probeReady(`http://0.0.0.0:${port}`)).to.deep.equal({ ok: true, detail: '200 {"status":"READY"}' });
    status = 503;
    expect((await probeReady(`http://127.0.0.1:${port}`)).ok).to.equal(false);
    expect(requested).to.deep.equal(['/ready', '/ready']);
  });

  it('exits 0 or 1 as a process, reading SAMSA_HTTP_LISTENER', async () => {
    status = 200;
    const ready = await runProcess(process.execPath, [SCRIPT], { env: { SAMSA_HTTP_LISTENER: `http://0.0.0.0:${port}` } });
    expect(ready.code).to.equal(0);
    status = 503;
    const notReady = await runProcess(process.execPath, [SCRIPT], { env: { SAMSA_HTTP_LISTENER: `http://0.0.0.0:${port}` } });
    expect(notReady.code).to.equal(1);
    expect(notReady.stdout).to.contain('503');
  });

  it('fails when nothing listens, and explains a missing listener setting', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    expect((await probeReady(`http://127.0.0.1:${closed}`)).ok).to.equal(false);
    const env = { ...process.env };
    delete env.SAMSA_HTTP_LISTENER;
    const unset = await runProcess(process.execPath, [SCRIPT], { env: env as Record<string, string> });
    expect(unset.code).to.equal(1);
    expect(unset.stderr).to.contain('SAMSA_HTTP_LISTENER');
  });
});
