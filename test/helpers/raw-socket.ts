/** Talks to a broker below the client library: raw bytes in, response frames out. */
import * as net from 'net';
import { FrameDecoder } from '../../lib/protocol/frame';

/** Opens a socket, writes `bytes`, and collects response frames until the broker closes it (or 3 s pass). */
export function rawExchange(port: number, bytes: Buffer): Promise<{ frames: Buffer[]; closed: boolean }> {
  return new Promise((resolve) => {
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder(1 << 20);
    const sock = net.connect({ port, host: '127.0.0.1' }, () => sock.write(bytes));
    sock.on('data', (d) => frames.push(...decoder.push(d)));
    sock.on('error', () => undefined);
    sock.on('close', () => resolve({ frames, closed: true }));
    setTimeout(() => { sock.destroy(); resolve({ frames, closed: false }); }, 3000).unref();
  });
}

/** Prefixes a hex payload with its int32 size. */
export function frame(payloadHex: string): Buffer {
  const payload = Buffer.from(payloadHex, 'hex');
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}
