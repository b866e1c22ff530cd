/**
 * `samsa-server-stop [--node-id N]`: sends SIGTERM to the Samsa brokers running on this machine
 * (all of them, like kafka-server-stop, or only broker N) and waits for them to exit.
 * Brokers are found by their command line; a broker's id comes from its `--override broker.id=`
 * or its properties file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readPropertiesFile } from '../config/properties';
import { runMain } from './options';
import { sleep } from '../util/time';
import { parseServerArgs } from './server-start';

const USAGE = 'USAGE: samsa-server-stop [--node-id <broker id>]';
const HELP = `${USAGE}
Stops the Samsa brokers running on this machine with SIGTERM (a clean, controlled shutdown) and
waits for them to exit: all of them, or only the one with the given broker id. Exits 1 when
there is none to stop.

  --node-id <broker id>    Stop only this broker.
  -h, --help               Print this help.
`;
const ENTRY_PATTERN = /dist\/lib\/cli\/server-start\.js$/;
const STOP_TIMEOUT_MS = 60000;

export interface RunningBroker {
  pid: number;
  brokerId: number | null;
}

function brokerIdOf(pid: number, args: string[]): number | null {
  try {
    const parsed = parseServerArgs(args);
    if (parsed.help) return null;
    const { configFile, overrides } = parsed;
    const override = [...overrides].reverse().find((o) => o.trim().startsWith('broker.id='));
    if (override) return Number(override.split('=')[1].trim());
    const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
    const value = readPropertiesFile(path.resolve(cwd, configFile)).get('broker.id');
    return value === undefined ? null : Number(value);
  } catch {
    return null;
  }
}

export function runningBrokers(): RunningBroker[] {
  const found: RunningBroker[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
    } catch {
      continue;
    }
    const at = argv.findIndex((a) => ENTRY_PATTERN.test(a));
    if (at < 0) continue;
    const pid = Number(entry);
    found.push({ pid, brokerId: brokerIdOf(pid, argv.slice(at + 1)) });
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function main(argv: string[]): Promise<number> {
  let nodeId: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') {
      process.stdout.write(HELP);
      return 0;
    }
    if (argv[i] === '--node-id' && argv[i + 1] !== undefined && /^\d+$/.test(argv[i + 1])) nodeId = Number(argv[++i]);
    else {
      process.stderr.write(`error: unexpected argument ${argv[i]}\n${USAGE}\n`);
      return 1;
    }
  }
  const targets = runningBrokers().filter((b) => nodeId === null || b.brokerId === nodeId);
  if (targets.length === 0) {
    process.stdout.write(nodeId === null ? 'No samsa server to stop\n' : `No samsa server with node id ${nodeId} to stop\n`);
    return 1;
  }
  for (const t of targets) {
    try { process.kill(t.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (targets.some((t) => alive(t.pid))) {
    if (Date.now() > deadline) {
      const left = targets.filter((t) => alive(t.pid)).map((t) => t.pid);
      process.stderr.write(`Samsa server(s) ${left.join(', ')} did not stop within ${STOP_TIMEOUT_MS / 1000} s\n`);
      return 1;
    }
    await sleep(100);
  }
  return 0;
}

if (require.main === module) runMain(main);
