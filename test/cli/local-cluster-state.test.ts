import { expect } from 'chai';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { lastLines } from '../../lib/cli/file-tail';
import { isOurProcess, portUnavailable, readState, removeState, stateFile, writeState } from '../../lib/cli/local-cluster-state';

/** samsa-local-cluster's bookkeeping: the state file, pid ownership and port checks. */
describe('cli/local-cluster-state', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-lc-state-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips the state file and reads no file as no cluster', () => {
    expect(readState(dir)).to.equal(null);
    const processes = [{ role: 'zookeeper' as const, id: 1, pid: 123, port: 2181, marker: '/d/zk', logFile: '/d/zk.out' }];
    writeState(dir, { startedAt: 'now', zookeeperConnect: '127.0.0.1:2181', bootstrapServers: '127.0.0.1:9092', processes });
    expect(readState(dir)).to.deep.include({ version: 1, zookeeperConnect: '127.0.0.1:2181', processes });
    removeState(dir);
    expect(readState(dir)).to.equal(null);
  });

  it('names a damaged or foreign state file instead of guessing', () => {
    fs.writeFileSync(stateFile(dir), '{not json');
    expect(() => readState(dir)).to.throw(/local-cluster.json is not valid JSON/);
    fs.writeFileSync(stateFile(dir), '{"version": 9}');
    expect(() => readState(dir)).to.throw(/not a samsa-local-cluster state file/);
  });

  it('recognises a live pid only with its command-line marker', () => {
    expect(isOurProcess(process.pid, process.argv[1])).to.equal(true);
    expect(isOurProcess(process.pid, '/no/such/cluster/server.properties')).to.equal(false);
    expect(isOurProcess(2 ** 22 + 12345, process.argv[1])).to.equal(false);
  });

  it('tells a taken port from a free one', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(await portUnavailable('127.0.0.1', port)).to.equal('EADDRINUSE');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await portUnavailable('127.0.0.1', port)).to.equal(null);
  });

  it('shows the last non-empty lines of a log', () => {
    const file = path.join(dir, 'x.out');
    fs.writeFileSync(file, `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}\n\n`);
    expect(lastLines(file, 2)).to.equal('line 28\nline 29');
    expect(lastLines(path.join(dir, 'missing'))).to.match(/cannot read it/);
  });
});
