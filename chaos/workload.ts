/**
 * The chaos workload, run as its own Node process inside the client namespace with Samsa's
 * client library: two idempotent acks=all producers writing numbered keyed records to the checked
 * topic, an acks=1 control producer on its own topic, and a two-member consumer group reading the
 * checked topic. Every acknowledgement, send error and group read is appended to a JSONL file as
 * it happens (synchronously, so a crash loses at most the line being written); the checker works
 * from these files alone.
 *
 * Usage: node workload.js <bootstrap> <dir> <records/s per producer>; stops on SIGTERM
 * (stops sending, waits for outstanding sends up to the delivery timeout, leaves the group).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Consumer } from '../lib/client/consumer';
import { Producer } from '../lib/client/producer';

export const CHECKED_TOPIC = 'chaos';
export const CONTROL_TOPIC = 'chaos-acks1';
export const GROUP_ID = 'chaos-group';
export const IDEMPOTENT_WRITERS = ['idem-0', 'idem-1'];
export const CONTROL_WRITER = 'acks1';
const KEYS = 64;
// High enough never to throttle healthy partitions while sends to a cut-off leader wait out the delivery timeout.
const MAX_OUTSTANDING = 5000;
const DELIVERY_TIMEOUT_MS = 40000;

interface Writer { name: string; topic: string; producer: Producer; next: number; outstanding: number }

function appender(file: string): (line: object) => void {
  const fd = fs.openSync(file, 'a');
  return (line) => fs.writeSync(fd, `${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const [bootstrapServers, dir, rateArg] = process.argv.slice(2);
  const rate = Number(rateArg ?? 40);
  const writeAck = appender(path.join(dir, 'acks.jsonl'));
  const writeError = appender(path.join(dir, 'errors.jsonl'));
  const writeControlAck = appender(path.join(dir, 'control-acks.jsonl'));
  const writeControlError = appender(path.join(dir, 'control-errors.jsonl'));
  const writeConsumed = appender(path.join(dir, 'consumed.jsonl'));
  const common = { bootstrapServers, requestTimeoutMs: 10000, connectTimeoutMs: 5000, retryBackoffMs: 200, metadataMaxAgeMs: 5000 };
  const writers: Writer[] = [
    ...IDEMPOTENT_WRITERS.map((name) => ({
      name, topic: CHECKED_TOPIC, next: 0, outstanding: 0,
      producer: new Producer({ ...common, clientId: name, acks: 'all', enableIdempotence: true, lingerMs: 5, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, maxBlockMs: 10000 }),
    })),
    {
      name: CONTROL_WRITER, topic: CONTROL_TOPIC, next: 0, outstanding: 0,
      producer: new Producer({ ...common, clientId: CONTROL_WRITER, acks: 1, enableIdempotence: false, lingerMs: 5, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, maxBlockMs: 10000 }),
    },
  ];
  let stopping = false;
  const tick = (w: Writer): void => {
    if (stopping || w.outstanding >= MAX_OUTSTANDING) return;
    const n = w.next++;
    w.outstanding++;
    const control = w.name === CONTROL_WRITER;
    w.producer.send({ topic: w.topic, key: `k${n % KEYS}`, value: `${w.name}:${n}` }, (err, md) => {
      w.outstanding--;
      const t = Date.now();
      if (err || !md) (control ? writeControlError : writeError)({ t, w: w.name, n, e: err ? `${err.name}: ${err.message}` : 'no metadata' });
      else (control ? writeControlAck : writeAck)({ t, w: w.name, n, p: md.partition, o: md.offset });
    });
  };
  const timers = writers.map((w) => setInterval(() => tick(w), Math.max(1, Math.round(1000 / rate))));

  const consumers = [0, 1].map((i) => {
    const member = `member-${i}`;
    let generation = 0;
    const consumer = new Consumer({
      ...common, clientId: member, groupId: GROUP_ID, autoOffsetReset: 'earliest', sessionTimeoutMs: 15000, heartbeatIntervalMs: 1000,
    });
    // The member's own count of completed rebalances stands for its generation: offsets it reads
    // twice between two assignments were read twice within one generation.
    consumer.subscribe([CHECKED_TOPIC], { onPartitionsAssigned: () => { generation++; } });
    const loop = (async () => {
      while (!stopping) {
        try {
          for (const r of await consumer.poll(500)) {
            writeConsumed({ t: Date.now(), m: member, g: generation, p: r.partition, o: r.offset, v: r.value?.toString('utf8') ?? '' });
          }
        } catch (err) {
          fs.appendFileSync(path.join(dir, 'consumer-errors.log'), `${new Date().toISOString()} ${member} ${String(err)}\n`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
    return { consumer, loop };
  });

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  stopping = true;
  for (const t of timers) clearInterval(t);
  await Promise.all(writers.map((w) => w.producer.close().catch(() => undefined)));
  await Promise.all(consumers.map(async (c) => {
    await c.loop;
    await c.consumer.close(5000).catch(() => undefined);
  }));
  fs.writeFileSync(path.join(dir, 'workload-done.json'), JSON.stringify({ sent: Object.fromEntries(writers.map((w) => [w.name, w.next])) }));
  process.exit(0);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`workload failed: ${String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  });
}
