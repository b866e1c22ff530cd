/**
 * A producer as a separate process, for quota tests: sends 1000-byte records to a topic as fast
 * as the broker lets it for a given time, then prints one JSON line with the payload bytes the
 * broker acknowledged within that time. Running it in its own process keeps the test's broker
 * (in the test process) from sharing an event loop with the clients it throttles.
 *
 *   node dist/test/helpers/rate-producer.js <bootstrap> <topic> <client.id> <durationMs>
 */
import { Producer } from '../../lib/client/producer';

const RECORD_BYTES = 1000;
/** Records kept in flight: enough to fill a few requests ahead of the broker. */
const WINDOW = 1000;

async function main(): Promise<void> {
  const [bootstrap, topic, clientId, durationText] = process.argv.slice(2);
  const durationMs = Number(durationText);
  const producer = new Producer({ bootstrapServers: bootstrap, clientId, acks: 1, lingerMs: 2, batchSize: 32 * 1024 });
  await producer.connect();
  const value = Buffer.alloc(RECORD_BYTES, 'x');
  // The clock starts before the first record reaches the broker, which is when the broker's quota
  // window opens: the measured 10 s then end before the window's first sample expires.
  const start = Date.now();
  await producer.send({ topic, value: Buffer.alloc(1) });
  let ackedBytes = 0;
  let pending = 0;
  let failed: Error | null = null;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (failed !== null || Date.now() - start >= durationMs) {
        if (pending === 0) resolve();
        return;
      }
      while (pending < WINDOW) {
        pending++;
        producer.send({ topic, value }).then(() => {
          if (Date.now() - start < durationMs) ackedBytes += RECORD_BYTES;
        }, (err: Error) => { failed = err; }).finally(() => {
          pending--;
          pump();
        });
      }
    };
    pump();
  });
  const elapsedMs = Date.now() - start;
  await producer.close();
  if (failed !== null) throw failed;
  process.stdout.write(`${JSON.stringify({ ackedBytes, durationMs, elapsedMs })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
