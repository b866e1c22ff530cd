/**
 * Records what real Kafka clients send to Samsa's Kafka listener and what they accept back, as
 * golden fixtures (test/fixtures/kafka/<client>.json) that the codec tests decode and re-encode
 * byte for byte. A TCP proxy sits between the client and the listener and keeps the first
 * request/response pair of every (api, version) it sees.
 *
 *   node dist/scripts/capture-kafka-fixtures.js <listenPort> <targetHost:targetPort> <client> <outFile>
 *
 * It runs until SIGINT/SIGTERM, then writes the file. Point the client at the proxy port and make
 * sure the broker advertises the proxy's address, so every connection passes through it.
 */
import * as fs from 'fs';
import * as net from 'net';

interface Exchange {
  apiKey: number;
  apiVersion: number;
  request: string;
  response: string | null;
}

/** Splits a byte stream into size-prefixed frames (payloads only). */
function frameSplitter(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      onFrame(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

function main(): void {
  const [listenPort, target, client, outFile] = process.argv.slice(2);
  if (!outFile) {
    process.stderr.write('usage: capture-kafka-fixtures <listenPort> <host:port> <client> <outFile>\n');
    process.exit(1);
  }
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const kept = new Map<string, Exchange>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect({ host, port });
    const inFlight = new Map<number, Exchange>();
    downstream.on('data', frameSplitter((frame) => {
      const exchange = { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), request: frame.toString('hex'), response: null };
      inFlight.set(frame.readInt32BE(4), exchange);
    }));
    upstream.on('data', frameSplitter((frame) => {
      const exchange = inFlight.get(frame.readInt32BE(0));
      if (!exchange) return;
      inFlight.delete(frame.readInt32BE(0));
      exchange.response = frame.toString('hex');
      const key = `${exchange.apiKey}/${exchange.apiVersion}`;
      if (!kept.has(key)) kept.set(key, exchange);
    }));
    downstream.pipe(upstream).pipe(downstream);
    const end = (): void => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  server.listen(Number(listenPort), '127.0.0.1');
  const finish = (): void => {
    const exchanges = [...kept.values()].sort((a, b) => a.apiKey - b.apiKey || a.apiVersion - b.apiVersion);
    fs.writeFileSync(outFile, JSON.stringify({ client, exchanges }, null, 2) + '\n');
    process.stderr.write(`kept ${exchanges.length} exchanges from ${client} in ${outFile}\n`);
    process.exit(0);
  };
  process.on('SIGINT', finish);
  process.on('SIGTERM', finish);
}

main();
