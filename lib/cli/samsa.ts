/**
 * `samsa`: the package's umbrella command. `samsa --version` prints Samsa's version (package.json's,
 * e.g. `0.1.0`; Kafka's tools print `2.8.0 (Commit:...)`, Samsa has no commit id to add), and
 * `samsa <tool> [args]` runs `samsa-<tool>` (`samsa topics --list ...`), so one name on PATH is
 * enough to find every tool.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { SAMSA_VERSION } from '../util/version';
import { runMain } from './options';

/** Tool name (the bin's name without `samsa-`) → its module under dist/lib/cli and fixed leading arguments. */
const TOOLS: Readonly<Record<string, readonly [string, ...string[]]>> = {
  'acls': ['acls'], 'broker-api-versions': ['broker-api-versions'], 'configs': ['configs'],
  'console-consumer': ['console-consumer'], 'console-producer': ['console-producer'], 'consumer-groups': ['consumer-groups'],
  'consumer-perf-test': ['consumer-perf-test'], 'delete-records': ['delete-records'], 'docker-start': ['docker-start'],
  'dump-log': ['dump-log'], 'get-offsets': ['get-offsets'], 'leader-election': ['leader-election'],
  'local-cluster': ['local-cluster'], 'log-dirs': ['log-dirs'], 'producer-perf-test': ['producer-perf-test'],
  'reassign-partitions': ['reassign-partitions'], 'server-start': ['server-start'], 'server-stop': ['server-stop'],
  'topics': ['topics'], 'transactions': ['transactions'], 'zookeeper-server-start': ['zookeeper-server', 'start'], 'zookeeper-server-stop': ['zookeeper-server', 'stop'],
};

const USAGE = `USAGE: samsa <tool> [arguments]   run samsa-<tool>, e.g. samsa topics --bootstrap-server localhost:9092 --list
       samsa --version            print Samsa's version
Tools: ${Object.keys(TOOLS).join(', ')}
`;

export function main(argv: string[]): Promise<number> {
  const [tool, ...rest] = argv;
  if (tool === '--version') {
    process.stdout.write(`${SAMSA_VERSION}\n`);
    return Promise.resolve(0);
  }
  if (tool === undefined || tool === '-h' || tool === '--help') {
    (tool === undefined ? process.stderr : process.stdout).write(USAGE);
    return Promise.resolve(tool === undefined ? 1 : 0);
  }
  const entry = TOOLS[tool.replace(/^samsa-/, '')];
  if (!entry) {
    process.stderr.write(`error: unknown tool '${tool}'\n${USAGE}`);
    return Promise.resolve(1);
  }
  const [module, ...fixed] = entry;
  const child = spawnSync(process.execPath, [...process.execArgv, path.join(__dirname, `${module}.js`), ...fixed, ...rest], { stdio: 'inherit' });
  if (child.error) throw child.error;
  return Promise.resolve(child.status ?? 1);
}

if (require.main === module) runMain(main);
