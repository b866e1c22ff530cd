/**
 * The chaos suite's smoke test: as root, one short scenario (follower-isolated, the fault held
 * 15 s) through the real runner, checking the checker's figures and that nothing is left behind;
 * plus the cleanup paths (a leftover namespace with a process in it; SIGTERM in the middle of a
 * run). Not root: the runner must refuse with a clear message, and the scenario is skipped
 * (said so on the console).
 */
import { spawn, spawnSync } from 'child_process';
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanupLeftovers, listChaosNamespaces, namespacePids } from '../../chaos/netns';
import type { ScenarioResult } from '../../chaos/scenario-main';
import { waitUntil } from '../helpers/wait';

const RUNNER = path.resolve(__dirname, '..', '..', 'chaos', 'run.js');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function chaosTempDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('samsa-chaos-'));
}

describe('chaos suite smoke test', function () {
  this.timeout(360000);

  if (!isRoot) {
    it('refuses to run without root, and the smoke scenario is skipped', () => {
      const r = spawnSync(process.execPath, [RUNNER, '--scenario', 'follower-isolated'], { encoding: 'utf8' });
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(/must run as root/);
      console.log('    chaos smoke scenario skipped: not running as root (network namespaces need root)');
    });
    return;
  }

  it('removes a leftover namespace of an earlier run and the processes in it', async () => {
    const ns = 'samsa-chaos-leftover';
    spawnSync('ip', ['netns', 'add', ns]);
    const sleeper = spawn('ip', ['netns', 'exec', ns, 'sleep', '600'], { stdio: 'ignore' });
    await waitUntil('the sleeper in the namespace', () => namespacePids(ns).length > 0, 10000);
    const removed = cleanupLeftovers();
    expect(removed).to.include(ns);
    expect(listChaosNamespaces()).to.deep.equal([]);
    await waitUntil('the sleeper to be killed', () => sleeper.exitCode !== null || sleeper.signalCode !== null, 10000);
  });

  it('cleans up everything when interrupted with SIGTERM in the middle of a run', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-smoke-out-'));
    const child = spawn(process.execPath, [RUNNER, '--scenario', 'zombie-leader', '--no-docs', '--out', out], { stdio: 'ignore' });
    try {
      await waitUntil('the run to create its namespaces', () => listChaosNamespaces().length >= 8, 60000, 200);
      child.kill('SIGTERM');
      await waitUntil('the runner to exit', () => child.exitCode !== null, 60000, 200);
      expect(listChaosNamespaces()).to.deep.equal([]);
      expect(chaosTempDirs()).to.deep.equal([]);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('runs follower-isolated: nothing acknowledged is lost, ISR shrinks and recovers, nothing is left behind', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-smoke-out-'));
    try {
      const child = spawn(process.execPath, [RUNNER, '--scenario', 'follower-isolated', '--seed', '1', '--duration-s', '15', '--no-docs', '--out', out],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      const files = fs.readdirSync(out).filter((f) => f.endsWith('-follower-isolated.json'));
      expect(files, output).to.have.length(1);
      const result = JSON.parse(fs.readFileSync(path.join(out, files[0]), 'utf8')) as ScenarioResult;
      const r = result.report;
      expect(r.acknowledged, output).to.be.greaterThan(100);
      expect(r.lost).to.equal(0);
      expect(r.wrongOffset).to.equal(0);
      expect(r.duplicated).to.equal(0);
      expect(r.reordered).to.equal(0);
      expect(r.recoverySeconds).to.be.a('number');
      expect(result.timeline.map((e) => e.type)).to.include.members(['partition', 'heal']);
      expect(code, [...r.violations, ...result.scenarioViolations].join('; ') + output).to.equal(0);
      expect(listChaosNamespaces()).to.deep.equal([]);
      expect(chaosTempDirs()).to.deep.equal([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
