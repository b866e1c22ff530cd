/**
 * The package as users get it: `npm pack` (of the already built dist/; CI builds before testing),
 * installed into an empty directory with `npm install --omit=dev`, then used there — the CLIs
 * through npx, the client entry (no server module loaded), and samsa/testing in a node:test file
 * that starts a real cluster and leaves no process behind.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, tempDir } from '../helpers/cluster';
import { runProcess } from '../helpers/run-cli';

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const CLIENT_ONLY = `
const samsa = require('samsa');
const server = Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](winston|node-zookeeper-client|commander)[\\\\/]/.test(f)
  || /[\\\\/]samsa[\\\\/]dist[\\\\/]lib[\\\\/](broker|controller|storage|zk)[\\\\/]/.test(f));
let deep = 'loaded';
try { require('samsa/dist/lib/broker/broker.js'); } catch (err) { deep = err.code; }
process.stdout.write(JSON.stringify({
  server, deep, producer: typeof samsa.Producer, startBroker: typeof require('samsa/server').startBroker,
  startCluster: typeof require('samsa/testing').startCluster,
}));
`;

const CLUSTER_TEST = `
const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startCluster } = require('samsa/testing');

// What this run spawned (processes with the marker besides this one and its runner), for the outer test to check.
function spawned() {
  const marker = 'SAMSA_PACK_TEST=' + process.env.SAMSA_PACK_TEST;
  return fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e) && Number(e) !== process.pid && Number(e) !== process.ppid).filter((e) => {
    try { return fs.readFileSync('/proc/' + e + '/environ', 'utf8').split('\\0').includes(marker); } catch { return false; }
  }).map(Number);
}

let cluster;
before(async () => { cluster = await startCluster({ brokers: 1 }); });
after(() => cluster.stop());

test('produces and consumes through a real cluster', async () => {
  await cluster.createTopic('packed', { partitions: 1 });
  const producer = cluster.producer();
  const { offset } = await producer.send({ topic: 'packed', value: Buffer.from('installed') });
  assert.equal(offset, 0);
  const consumer = cluster.consumer();
  consumer.assign([{ topic: 'packed', partition: 0 }]);
  consumer.seek({ topic: 'packed', partition: 0 }, 'earliest');
  let records = [];
  for (let i = 0; i < 30 && records.length === 0; i++) records = await consumer.poll(1000);
  assert.equal(records[0].value.toString(), 'installed');
  fs.writeFileSync('spawned.json', JSON.stringify(spawned()));
});
`;

/** Pids of live processes whose environment carries `marker` (everything the test run spawned, however deep). */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

describe('npm package: pack, install with --omit=dev, use', function () {
  this.timeout(240_000);
  const work = tempDir('pack');
  const app = path.join(work, 'app');
  const npm = (args: string[], cwd: string) => runProcess('npm', [...args, '--no-audit', '--no-fund'], { cwd, timeoutMs: 200_000 });

  before(async () => {
    // dist/ is built already (scripts/test.sh builds first): skip prepack's rebuild.
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT);
    expect(packed.code, packed.stderr).to.equal(0);
    const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const installed = await npm(['install', '--omit=dev', '--prefer-offline', path.join(work, filename)], app);
    expect(installed.code, installed.stderr).to.equal(0);
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('ships what runs: the build of lib/, the console, bin/ and config/ — no tests, benchmarks or sources', () => {
    const pkg = path.join(app, 'node_modules', 'samsa');
    for (const file of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/server.d.ts', 'dist/lib/testing/index.d.ts', 'dist/console/index.html', 'bin/samsa-topics', 'config/server.properties']) {
      expect(fs.existsSync(path.join(pkg, file)), file).to.equal(true);
    }
    for (const dir of ['lib', 'test', 'dist/test', 'dist/bench', 'dist/scripts']) expect(fs.existsSync(path.join(pkg, dir)), dir).to.equal(false);
  });

  it('puts the tools on the path: npx samsa-topics --version and samsa --version print the version', async () => {
    for (const tool of ['samsa-topics', 'samsa']) {
      const result = await runProcess('npx', ['--no-install', tool, '--version'], { cwd: app, timeoutMs: 60_000 });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.equal(`${VERSION}\n`);
    }
  });

  it('require("samsa") loads no server module; samsa/server and samsa/testing resolve, internals do not', async () => {
    const result = await runProcess(process.execPath, ['-e', CLIENT_ONLY], { cwd: app, timeoutMs: 30_000 });
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({
      server: [], deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED', producer: 'function', startBroker: 'function', startCluster: 'function',
    });
  });

  it('samsa/testing runs a cluster in a node:test file, and nothing it started outlives the run', async () => {
    fs.writeFileSync(path.join(app, 'cluster.test.js'), CLUSTER_TEST);
    const marker = `SAMSA_PACK_TEST=${path.basename(work)}`;
    const result = await runProcess(process.execPath, ['--test', 'cluster.test.js'], {
      cwd: app, timeoutMs: 120_000, env: { SAMSA_PACK_TEST: path.basename(work) },
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(0);
    expect(result.stdout).to.match(/# pass 1\b/);
    // While the cluster ran, ZooKeeper (java) and the broker (node) were there to be seen.
    const during = JSON.parse(fs.readFileSync(path.join(app, 'spawned.json'), 'utf8')) as number[];
    expect(during.length).to.be.at.least(2);
    // stop() waits for its children; allow a moment for the kernel to reap them.
    const deadline = Date.now() + 5000;
    while (processesWith(marker).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesWith(marker)).to.deep.equal([]);
  });
});
