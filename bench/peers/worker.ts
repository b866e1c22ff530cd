/**
 * One side of one side-by-side measurement, run as its own process (`node dist/bench/peers/worker.js
 * <kind> <role> <port> <records> <recordSize>`) so the producer, the consumer and the server never
 * share an event loop, as with the Samsa perf tools. Prints one JSON line: `{"records":N,"seconds":S}`
 * (the TCP receiver first prints `{"port":P}`). Each client uses its recommended fast path:
 * pipelining or asynchronous publishes with a bounded window, acknowledged before the run counts as
 * done; consumers read in the largest batches the client offers.
 *
 * Timing starts once the client is connected (like the Samsa perf tools, which time from their
 * first send), and ends at the last acknowledgement or the last record read.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { patchForOldServers } from './rabbitmq-compat';

/** Records acknowledged-or-pending at once; bounds memory like the producer's buffer.memory. */
const WINDOW = 10_000;
const WRITE_BYTES = 64 * 1024;
const ERROR_FIELD = Buffer.from('"error"');

type Result = { records: number; seconds: number };

function payload(recordSize: number): Buffer {
  return Buffer.alloc(recordSize, 'x');
}

function since(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Keeps at most `window` promises outstanding: awaits the oldest before starting one more. */
async function windowed(count: number, window: number, start: (i: number) => Promise<unknown>): Promise<void> {
  const pending: Promise<unknown>[] = new Array(window);
  for (let i = 0; i < count; i++) {
    const slot = i % window;
    if (i >= window) await pending[slot];
    pending[slot] = start(i);
  }
  await Promise.all(pending.slice(0, Math.min(count, window)));
}

async function redis(role: string, port: number, records: number, recordSize: number): Promise<Result> {
  const { default: Redis } = await import('ioredis');
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableAutoPipelining: false });
  await client.connect();
  const value = payload(recordSize);
  const started = process.hrtime.bigint();
  try {
    if (role === 'produce') {
      // Pipelining, Redis's documented way to load many entries: pipelines of 100 XADDs, as many in
      // flight as make WINDOW records (fewer, larger pipelines measured slower with ioredis).
      const perPipeline = 100;
      const pipelines = Math.ceil(records / perPipeline);
      await windowed(pipelines, Math.max(1, Math.floor(WINDOW / perPipeline)), (p) => {
        const pipe = client.pipeline();
        const n = Math.min(perPipeline, records - p * perPipeline);
        for (let i = 0; i < n; i++) pipe.xadd('bench', '*', 'v', value);
        return pipe.exec();
      });
    } else {
      let read = 0;
      let last = '0-0';
      while (read < records) {
        const answer = await client.xreadBuffer('COUNT', 10000, 'STREAMS', 'bench', last);
        if (!answer) continue;
        const entries = answer[0][1];
        read += entries.length;
        last = entries[entries.length - 1][0].toString();
      }
    }
    return { records, seconds: since(started) };
  } finally {
    client.disconnect();
  }
}

async function nats(role: string, port: number, records: number, recordSize: number): Promise<Result> {
  const { connect, createInbox, StorageType } = await import('nats');
  const nc = await connect({ servers: `127.0.0.1:${port}` });
  try {
    if (role === 'produce') {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: 'bench', subjects: ['bench'], storage: StorageType.File });
      const value = payload(recordSize);
      // JetStream's asynchronous publish: core publishes with a reply subject, the stream's acks
      // (sent once stored) counted on one wildcard subscription, WINDOW unacknowledged at most.
      // (js.publish() awaits a request per record, several times slower in nats.js.)
      const inbox = createInbox();
      let acked = 0;
      let failure: Error | null = null;
      let wake: (() => void) | null = null;
      nc.subscribe(`${inbox}.*`, {
        callback: (err, msg) => {
          if (err || Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength).includes(ERROR_FIELD)) failure ??= new Error(`JetStream refused a publish: ${err ?? Buffer.from(msg.data).toString()}`);
          acked++;
          if (wake) { wake(); wake = null; }
        },
      });
      const started = process.hrtime.bigint();
      for (let i = 0; i < records; i++) {
        while (i - acked >= WINDOW) await new Promise<void>((resolve) => { wake = resolve; });
        nc.publish('bench', value, { reply: `${inbox}.${i}` });
      }
      while (acked < records) await new Promise<void>((resolve) => { wake = resolve; });
      if (failure) throw failure;
      return { records, seconds: since(started) };
    }
    const js = nc.jetstream();
    const consumer = await js.consumers.get('bench');
    const started = process.hrtime.bigint();
    const messages = await consumer.consume({ max_messages: 10000 });
    let read = 0;
    for await (const m of messages) {
      void m;
      if (++read === records) break;
    }
    return { records, seconds: since(started) };
  } finally {
    await nc.close();
  }
}

async function rabbitmq(role: string, port: number, records: number, recordSize: number): Promise<Result> {
  const rabbit = await import('rabbitmq-stream-js-client');
  patchForOldServers();
  const client = await rabbit.connect({ hostname: '127.0.0.1', port, username: 'guest', password: 'guest', vhost: '/' });
  try {
    if (role === 'produce') {
      await client.createStream({ stream: 'bench' });
      const publisher = await client.declarePublisher({ stream: 'bench', maxChunkLength: 1000 });
      let confirmed = 0;
      let wake: (() => void) | null = null;
      publisher.on('publish_confirm', (err, ids) => {
        if (err !== null) throw new Error(`RabbitMQ refused a publish: code ${err}`);
        confirmed += ids.length;
        if (wake) { wake(); wake = null; }
      });
      const value = payload(recordSize);
      const started = process.hrtime.bigint();
      // Publisher confirms with WINDOW unconfirmed at most (the client batches sends per chunk).
      for (let i = 0; i < records; i++) {
        while (i - confirmed >= WINDOW) await new Promise<void>((resolve) => { wake = resolve; });
        await publisher.send(value);
      }
      await publisher.flush();
      while (confirmed < records) await new Promise<void>((resolve) => { wake = resolve; });
      return { records, seconds: since(started) };
    }
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      let read = 0;
      client.declareConsumer({ stream: 'bench', offset: rabbit.Offset.first() }, () => {
        if (++read === records) resolve();
      }).catch(reject);
    });
    return { records, seconds: since(started) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Length-prefixed records packed into 64 KiB writes, as a broker's clients frame requests. */
function framedChunk(recordSize: number): { chunk: Buffer; perChunk: number } {
  const frame = 4 + recordSize;
  const perChunk = Math.floor(WRITE_BYTES / frame);
  const chunk = Buffer.alloc(perChunk * frame, 'x');
  for (let i = 0; i < perChunk; i++) chunk.writeUInt32BE(recordSize, i * frame);
  return { chunk, perChunk };
}

async function tcpSend(port: number, records: number, recordSize: number): Promise<Result> {
  const { chunk, perChunk } = framedChunk(recordSize);
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < records; sent += perChunk) {
    const n = Math.min(perChunk, records - sent);
    const buf: Buffer = n === perChunk ? chunk : chunk.subarray(0, n * (4 + recordSize));
    if (!socket.write(buf)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
  return { records, seconds: since(started) };
}

/** Listens, prints its port, and walks every length prefix it receives (the framing cost). */
async function tcpReceive(records: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    let started = 0n;
    let read = 0;
    let pending: Buffer = Buffer.alloc(0);
    const server = net.createServer((socket) => {
      socket.on('data', (data: Buffer) => {
        if (started === 0n) started = process.hrtime.bigint();
        const buf = pending.length ? Buffer.concat([pending, data]) : data;
        let at = 0;
        while (buf.length - at >= 4) {
          const size = buf.readUInt32BE(at);
          if (buf.length - at < 4 + size) break;
          at += 4 + size;
          read++;
        }
        pending = buf.subarray(at);
        if (read === records) {
          const seconds = since(started);
          socket.destroy();
          server.close();
          resolve({ records, seconds });
        }
      });
      socket.on('error', reject);
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as net.AddressInfo).port })));
  });
}

/** Sequential 64 KiB writes to a new file; `syncEvery` writes then fdatasync (0: once at the end). */
function fileWrite(dir: string, records: number, recordSize: number, syncEvery: number): Result {
  const file = path.join(dir, 'sequential.dat');
  const perChunk = Math.floor(WRITE_BYTES / recordSize);
  const chunk = Buffer.alloc(perChunk * recordSize, 'x');
  const fd = fs.openSync(file, 'w');
  const started = process.hrtime.bigint();
  try {
    let writes = 0;
    for (let done = 0; done < records; done += perChunk) {
      const n = Math.min(perChunk, records - done);
      fs.writeSync(fd, chunk, 0, n * recordSize);
      if (syncEvery > 0 && ++writes % syncEvery === 0) fs.fdatasyncSync(fd);
    }
    fs.fdatasyncSync(fd);
    return { records, seconds: since(started) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads back the file fileWrite wrote, in 1 MiB reads (from the page cache, as a consumer would). */
function fileRead(dir: string, records: number, recordSize: number): Result {
  const fd = fs.openSync(path.join(dir, 'sequential.dat'), 'r');
  const buf = Buffer.alloc(1024 * 1024);
  const started = process.hrtime.bigint();
  try {
    let bytes = 0;
    for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) bytes += n;
    if (bytes !== records * recordSize) throw new Error(`read ${bytes} bytes, wrote ${records * recordSize}`);
    return { records, seconds: since(started) };
  } finally {
    fs.closeSync(fd);
  }
}

async function main(): Promise<Result> {
  const [kind, role, where, recordsArg, sizeArg] = process.argv.slice(2);
  const records = Number(recordsArg);
  const recordSize = Number(sizeArg);
  if (!(records > 0) || !(recordSize > 0)) throw new Error('usage: worker.js <kind> <role> <port|dir> <records> <recordSize>');
  switch (kind) {
    case 'redis': return redis(role, Number(where), records, recordSize);
    case 'nats': return nats(role, Number(where), records, recordSize);
    case 'rabbitmq': return rabbitmq(role, Number(where), records, recordSize);
    case 'tcp': return role === 'produce' ? tcpSend(Number(where), records, recordSize) : tcpReceive(records);
    case 'file': return role === 'produce' ? fileWrite(where, records, recordSize, 0)
      : role === 'produce-sync' ? fileWrite(where, records, recordSize, 1) : fileRead(where, records, recordSize);
    default: throw new Error(`unknown kind ${kind}`);
  }
}

main().then((result) => {
  console.log(JSON.stringify(result));
  process.exit(0);
}, (err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
