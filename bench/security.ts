/**
 * What security costs, in one run on one broker process: samsa-producer-perf-test against a
 * PLAINTEXT, an SSL and a SASL_SSL (SCRAM-SHA-256) listener of the same broker, same records,
 * same producer settings, back to back. The SCRAM user is created with samsa-configs as an
 * operator would; the client side reads Kafka's client keys from a --producer.config file.
 * Next to each tool's own line: the broker's CPU time for the run (from /proc), which shows what
 * TLS costs the broker even when the producer tool is the throughput ceiling.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { brokerTlsOverrides, testCerts } from '../test/helpers/certs';
import { freePort, spawnBroker } from '../test/helpers/cluster';
import { runCli } from '../test/helpers/run-cli';
import { startTestZooKeeper } from '../test/helpers/zookeeper';

const USER = 'bench';
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far (Linux /proc/<pid>/stat, fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
const PASSWORD = 'bench-secret';

export async function securityBench(records: number, recordSize: number, section: (title: string) => void): Promise<void> {
  const certs = testCerts();
  const zk = await startTestZooKeeper();
  const [plain, ssl, saslSsl] = [await freePort(), await freePort(), await freePort()];
  const created = await runCli('samsa-configs', ['--zookeeper', zk.connectString, '--alter', '--entity-type', 'users', '--entity-name', USER,
    '--add-config', `SCRAM-SHA-256=[iterations=4096,password=${PASSWORD}]`]);
  if (created.code !== 0) throw new Error(`samsa-configs failed: ${created.stderr}`);
  const broker = await spawnBroker({
    brokerId: 1, zkConnect: zk.connectString, port: plain,
    overrides: brokerTlsOverrides(certs, {
      'log.level': 'warn',
      listeners: `PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${ssl},SASL_SSL://127.0.0.1:${saslSsl}`,
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
    }),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-security-bench-'));
  const configFor = (name: string, lines: string[]): string => {
    const file = path.join(dir, `${name}.properties`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  const tls = ['ssl.truststore.type=PEM', `ssl.truststore.location=${certs.ca}`];
  const runs: Array<{ name: string; port: number; config: string | null }> = [
    { name: 'PLAINTEXT', port: plain, config: null },
    { name: 'SSL', port: ssl, config: configFor('ssl', ['security.protocol=SSL', ...tls]) },
    {
      name: 'SASL_SSL (SCRAM-SHA-256)', port: saslSsl, config: configFor('sasl-ssl', ['security.protocol=SASL_SSL', ...tls, 'sasl.mechanism=SCRAM-SHA-256',
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${USER}" password="${PASSWORD}";`]),
    },
  ];
  try {
    await runCli('samsa-topics', ['--bootstrap-server', `127.0.0.1:${plain}`, '--create', '--topic', 'bench-security', '--partitions', '6', '--replication-factor', '1']);
    for (const run of runs) {
      section(`security: samsa-producer-perf-test over ${run.name} --num-records ${records} --record-size ${recordSize} acks=1 linger.ms=5 batch.size=65536`);
      const args = ['--topic', 'bench-security', '--num-records', String(records), '--record-size', String(recordSize), '--throughput', '-1',
        '--producer-props', `bootstrap.servers=127.0.0.1:${run.port}`, 'acks=1', 'linger.ms=5', 'batch.size=65536'];
      if (run.config) args.push('--producer.config', run.config);
      const cpuBefore = cpuSeconds(broker.process.pid!);
      const produced = await runCli('samsa-producer-perf-test', args, { timeoutMs: 600000 });
      const brokerCpu = cpuSeconds(broker.process.pid!) - cpuBefore;
      process.stdout.write(produced.stdout + produced.stderr);
      console.log(`broker CPU: ${brokerCpu.toFixed(2)} s for ${records} records (${(brokerCpu / records * 1e6).toFixed(2)} µs per record)`);
    }
  } finally {
    await broker.stop('SIGTERM');
    await zk.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
