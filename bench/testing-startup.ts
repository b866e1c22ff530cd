/**
 * How fast samsa/testing's startCluster() gives a test a working cluster: the wall time from the
 * call until it resolves, and until a first produce/consume round trip (topic created, one record
 * produced, consumed by an assigned consumer) has completed. Three layouts, several rounds each:
 * one in-process broker, one broker process, three broker processes.
 *
 * Run alone with `node dist/bench/testing-startup.js [rounds]`, or as `BENCH_ONLY=testing npm run bench`.
 */
import { startCluster, StartClusterOptions } from '../lib/testing';

interface Layout {
  name: string;
  options: StartClusterOptions;
}

const LAYOUTS: Layout[] = [
  { name: 'ZooKeeper + 1 in-process broker', options: { brokers: 1, inProcess: true } },
  { name: 'ZooKeeper + 1 broker process', options: { brokers: 1 } },
  { name: 'ZooKeeper + 3 broker processes', options: { brokers: 3 } },
];

async function oneRound(options: StartClusterOptions): Promise<{ started: number; roundTrip: number; stopped: number }> {
  const t0 = performance.now();
  const cluster = await startCluster(options);
  const started = performance.now() - t0;
  try {
    await cluster.createTopic('startup', { partitions: 1, replicationFactor: options.brokers });
    const producer = cluster.producer();
    await producer.send({ topic: 'startup', value: Buffer.from('ready?') });
    const consumer = cluster.consumer();
    consumer.assign([{ topic: 'startup', partition: 0 }]);
    consumer.seek({ topic: 'startup', partition: 0 }, 'earliest');
    while ((await consumer.poll(1000)).length === 0) { /* until the record arrives */ }
    const roundTrip = performance.now() - t0;
    const t1 = performance.now();
    await cluster.stop();
    return { started, roundTrip, stopped: performance.now() - t1 };
  } finally {
    await cluster.stop();
  }
}

const ms = (values: number[]): string => values.map((v) => `${Math.round(v)}`).join(' / ');

export async function testingStartupBench(rounds: number, section: (title: string) => void): Promise<void> {
  for (const layout of LAYOUTS) {
    section(`samsa/testing startCluster: ${layout.name} (${rounds} rounds, ms)`);
    const results = [];
    for (let i = 0; i < rounds; i++) results.push(await oneRound(layout.options));
    console.log(`startCluster() resolved:        ${ms(results.map((r) => r.started))}`);
    console.log(`+ first produce/consume:        ${ms(results.map((r) => r.roundTrip))}`);
    console.log(`stop():                         ${ms(results.map((r) => r.stopped))}`);
  }
}

if (require.main === module) {
  testingStartupBench(Number(process.argv[2] ?? 3), (title) => console.log(`\n=== ${title} ===`)).then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}
