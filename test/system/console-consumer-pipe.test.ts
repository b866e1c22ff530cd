import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Broker } from '../../lib/broker/broker';
import { Admin } from '../../lib/client/admin';
import { Producer } from '../../lib/client/producer';
import { REPO_ROOT, startBroker, tempDir } from '../helpers/cluster';
import { startCpuLoad } from '../helpers/cpu-load';
import { runProcess } from '../helpers/run-cli';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const TOTAL = 20000;
const TOPIC = 'piped';
const READER = path.join(REPO_ROOT, 'dist', 'test', 'helpers', 'slow-line-reader.js');

/** Record i's value: long enough that 20,000 lines (about 2 MB) overflow any pipe buffer many times. */
function valueOf(i: number): string {
  return `record-${String(i).padStart(5, '0')}-${'x'.repeat(90)}`;
}

interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs a bash pipeline (real pipe(2)s between the stages, as a user's shell makes them). */
async function runShell(script: string, env: Record<string, string>, timeoutMs: number): Promise<ShellResult> {
  const started = Date.now();
  const result = await runProcess('bash', ['-c', script], { env, timeoutMs });
  return { ...result, elapsedMs: Date.now() - started };
}

describe('system/console-consumer output through pipes', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let bootstrap: string;
  const dir = tempDir('consumer-pipe');

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { 'group.initial.rebalance.delay.ms': 0 } });
    bootstrap = `127.0.0.1:${broker.port}`;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: TOPIC, numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1, lingerMs: 5, batchSize: 256 * 1024 });
    await producer.connect();
    const sent: Array<Promise<unknown>> = [];
    for (let i = 0; i < TOTAL; i++) sent.push(producer.send({ topic: TOPIC, value: valueOf(i) }));
    await Promise.all(sent);
    await producer.close();
  });

  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers all 20,000 lines, in order, to a slow reader on a loaded machine', async () => {
    const expected = Array.from({ length: TOTAL }, (_, i) => valueOf(i)).join('\n') + '\n';
    const load = startCpuLoad(2, 60000);
    try {
      for (let run = 1; run <= 3; run++) {
        const out = path.join(dir, `run-${run}.txt`);
        const res = await runShell(
          'bin/samsa-console-consumer --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" --from-beginning --max-messages "$TOTAL" ' +
          '| node "$READER" "$OUT"; echo "exit codes ${PIPESTATUS[*]}"',
          { BOOTSTRAP: bootstrap, TOPIC, TOTAL: String(TOTAL), READER, OUT: out }, 40000);
        expect(res.stdout, `run ${run}: ${res.stderr}`).to.equal('exit codes 0 0\n');
        expect(res.stderr, `run ${run}`).to.contain(`Processed a total of ${TOTAL} messages`);
        const got = fs.readFileSync(out, 'utf8');
        const gotLines = got.split('\n').length - 1;
        // Compare counts first so a failure says how much was lost rather than dumping 2 MB.
        expect(gotLines, `run ${run}: lines that reached the reader`).to.equal(TOTAL);
        expect(got === expected, `run ${run}: lines arrive intact and in order`).to.equal(true);
      }
    } finally {
      await load.stop();
    }
  });

  it('ends quietly with exit code 0 when the reader closes the pipe early (| head -n 5)', async () => {
    const firstFive = Array.from({ length: 5 }, (_, i) => valueOf(i)).join('\n') + '\n';
    const res = await runShell(
      'bin/samsa-console-consumer --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" --from-beginning --timeout-ms 30000 ' +
      '| head -n 5; echo "exit codes ${PIPESTATUS[*]}"',
      { BOOTSTRAP: bootstrap, TOPIC }, 40000);
    expect(res.stdout).to.equal(`${firstFive}exit codes 0 0\n`);
    expect(res.stderr).to.match(/^Processed a total of \d+ messages\n$/);
    // Well before --timeout-ms: the closed pipe itself ended the consumer.
    expect(res.elapsedMs).to.be.below(20000);
  });

  it('ends quietly with exit code 0 when stdout and stderr both go to a reader that leaves (2>&1 | head -n 5)', async () => {
    const res = await runShell(
      'bin/samsa-console-consumer --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" --from-beginning --timeout-ms 30000 2>&1 ' +
      '| head -n 5 >/dev/null; echo "exit codes ${PIPESTATUS[*]}"',
      { BOOTSTRAP: bootstrap, TOPIC }, 40000);
    expect(res.stdout, res.stderr).to.equal('exit codes 0 0\n');
    expect(res.stderr).to.equal('');
    expect(res.elapsedMs).to.be.below(20000);
  });
});
