/**
 * The examples in examples/ must keep working: each runs here as a user would run it (mocha, or
 * `node --test`), importing `samsa/testing` through the package's `exports` self-reference, with
 * a private TMPDIR so the test can check that nothing it started (files or processes) is left.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/cluster';

interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string, tmpDir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, TMPDIR: tmpDir, SAMSA_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
    child.once('error', reject);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

function processesMentioning(text: string): string[] {
  const listing = execFileSync('ps', ['-ww', '-eo', 'pid=,args='], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return listing.split('\n').filter((line) => line.includes(text) && !line.includes('ps -ww'));
}

describe('examples/ run against samsa/testing', function () {
  this.timeout(120000);
  let tmpDir: string;

  beforeEach(() => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-examples-'));
  });

  afterEach(() => {
    // Everything the example started lived under tmpDir: no process may still mention it.
    expect(processesMentioning(tmpDir)).to.deep.equal([]);
    expect(fs.readdirSync(tmpDir).filter((d) => d.startsWith('samsa-testing-'))).to.deep.equal([]);
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('examples/mocha passes under mocha', async () => {
    const { code, output } = await run(path.join(REPO_ROOT, 'node_modules', '.bin', 'mocha'), ['--timeout', '30000', '.'], path.join(REPO_ROOT, 'examples', 'mocha'), tmpDir);
    expect(code, output).to.equal(0);
    expect(output).to.match(/2 passing/);
  });

  it('examples/node-test passes under node --test', async () => {
    const { code, output } = await run(process.execPath, ['--test', 'examples/node-test/'], REPO_ROOT, tmpDir);
    expect(code, output).to.equal(0);
    expect(output).to.match(/# pass 2/);
  });

  it('the KafkaJS application in examples/kafkajs passes against kafkaBootstrapServers', async () => {
    const { code, output } = await run(process.execPath, ['--test', 'examples/kafkajs/'], REPO_ROOT, tmpDir);
    expect(code, output).to.equal(0);
    expect(output).to.match(/# pass 1/);
  });
});
