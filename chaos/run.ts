/**
 * `npm run chaos -- [--scenario name|all] [--seed n] [--duration-s n] [--out dir] [--no-docs] [--keep-logs]`:
 * runs chaos scenarios one at a time. This process stays in the host's namespace and owns the
 * network: it removes leftovers of an earlier run, creates the namespaces, runs the scenario in
 * the control namespace (scenario-main.ts), and removes everything it created afterwards - also
 * after an exception, a crash of the scenario, or Ctrl-C/SIGTERM (signal handlers, an 'exit'
 * handler, and the cleanup at the next start). Results go to chaos/results/<date>-<scenario>.json
 * and the table in docs/reliability.md.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanupLeftovers, CHAOS_PREFIX, createNetwork, namespacePids } from './netns';
import { topologyNodes } from './cluster';
import { latestResults, regenerateTable, resultFileName, resultsTable } from './report';
import { SCENARIOS, scenarioByName } from './scenarios';
import type { ScenarioResult } from './scenario-main';

const REPO = path.resolve(__dirname, '..', '..');

interface RunOptions {
  scenarios: string[];
  seed: number;
  durationS: number | null;
  out: string;
  docs: boolean;
  keepLogs: boolean;
  brokers: number;
}

export function parseChaosArgs(argv: readonly string[]): RunOptions | string {
  const o: RunOptions = { scenarios: ['all'], seed: Date.now() % 1000000, durationS: null, out: path.join(REPO, 'chaos', 'results'), docs: true, keepLogs: false, brokers: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const number = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${a} must be an integer >= ${min}, got '${v}'`);
      return n;
    };
    try {
      if (a === '--scenario') o.scenarios = value().split(',');
      else if (a === '--seed') o.seed = number(0);
      else if (a === '--duration-s') o.durationS = number(1);
      else if (a === '--brokers') o.brokers = number(3);
      else if (a === '--out') o.out = path.resolve(value());
      else if (a === '--no-docs') o.docs = false;
      else if (a === '--keep-logs') o.keepLogs = true;
      else return `unknown option ${a}`;
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (o.brokers > 5) return '--brokers must be 3 to 5';
  if (o.scenarios.includes('all')) o.scenarios = SCENARIOS.map((s) => s.name);
  const unknown = o.scenarios.filter((s) => !scenarioByName(s));
  if (unknown.length > 0) return `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}, all`;
  return o;
}

let networkUp = false;
let tmpDir: string | null = null;
let keepTmp = false;

function cleanup(): void {
  if (networkUp || tmpDir) {
    cleanupLeftovers();
    networkUp = false;
    if (tmpDir && !keepTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
    tmpDir = null;
  }
}

/** Temp dirs of earlier runs whose process is gone. */
function removeStaleTempDirs(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const m = new RegExp(`^${CHAOS_PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

async function runOne(name: string, o: RunOptions): Promise<ScenarioResult | null> {
  const scenario = scenarioByName(name);
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const holdS = o.durationS ?? scenario.defaultHoldS;
  const left = cleanupLeftovers();
  if (left.length > 0) process.stdout.write(`Removed leftovers of an earlier run: ${left.join(' ')}\n`);
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `${CHAOS_PREFIX}${process.pid}-${name}-`));
  keepTmp = o.keepLogs;
  networkUp = true;
  const nodes = createNetwork(topologyNodes({ zookeepers: 3, brokers: o.brokers }));
  process.stdout.write(`\n=== ${name} (seed ${o.seed}, fault held ${holdS} s) in ${tmpDir}\n`);
  const ctl = nodes.find((n) => n.name === 'ctl');
  if (!ctl) throw new Error('no control namespace');
  const child = spawn('ip', ['netns', 'exec', ctl.ns, process.execPath, path.join(__dirname, 'scenario-main.js'), name, String(o.seed), String(holdS), tmpDir, JSON.stringify(nodes)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number>((resolve) => child.once('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
  const resultFile = path.join(tmpDir, 'result.json');
  let result: ScenarioResult | null = null;
  if (code === 0 && fs.existsSync(resultFile)) {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ScenarioResult;
    fs.mkdirSync(o.out, { recursive: true });
    fs.writeFileSync(path.join(o.out, resultFileName(result)), `${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stderr.write(`Scenario ${name} did not complete (exit ${code}); logs of each node:\n`);
    for (const n of nodes) {
      const log = path.join(tmpDir, n.name, 'console.log');
      if (fs.existsSync(log)) process.stderr.write(`--- ${n.name}\n${fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}\n`);
    }
  }
  const leftoverPids = nodes.flatMap((n) => namespacePids(n.ns));
  if (leftoverPids.length > 0) process.stdout.write(`Killing ${leftoverPids.length} leftover process(es) in the namespaces\n`);
  cleanup();
  return result;
}

async function main(): Promise<number> {
  const parsed = parseChaosArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(`chaos: ${parsed}\nUsage: npm run chaos -- [--scenario name[,name...]|all] [--seed n] [--duration-s n] [--brokers 3-5] [--out dir] [--no-docs] [--keep-logs]\n`);
    return 2;
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    process.stderr.write('chaos: the chaos suite must run as root: it creates network namespaces, veth pairs and iptables rules '
      + '(inside its own namespaces only). Run it as root, e.g. `sudo npm run chaos -- --scenario zombie-leader`.\n');
    return 2;
  }
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`chaos: ${sig}, removing the namespaces and processes\n`);
      cleanup();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  removeStaleTempDirs();
  const results: ScenarioResult[] = [];
  let failed = 0;
  for (const name of parsed.scenarios) {
    const r = await runOne(name, parsed);
    if (!r || !r.ok) failed++;
    if (r) {
      results.push(r);
      const c = r.report;
      process.stdout.write(`${name}: ${r.ok ? 'PASS' : 'FAIL'} acknowledged=${c.acknowledged} lost=${c.lost} wrongOffset=${c.wrongOffset} duplicated=${c.duplicated} `
        + `reordered=${c.reordered} recoverySeconds=${c.recoverySeconds} acks1Lost=${c.control.lost}\n`);
      for (const v of [...c.violations, ...r.scenarioViolations]) process.stdout.write(`  violation: ${v}\n`);
    }
  }
  if (parsed.docs && results.length > 0) {
    const doc = path.join(REPO, 'docs', 'reliability.md');
    const table = resultsTable(latestResults(parsed.out, SCENARIOS.map((s) => s.name)));
    if (regenerateTable(doc, table)) process.stdout.write(`Updated the results table in ${doc}\n`);
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err) => {
    process.stderr.write(`chaos: ${String((err as Error).stack ?? err)}\n`);
    cleanup();
    process.exit(1);
  });
}
