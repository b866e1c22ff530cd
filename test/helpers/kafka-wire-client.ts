/**
 * A minimal Kafka-protocol client for tests: one socket, requests encoded with the Kafka API
 * definitions at an explicit version, responses matched by correlation id and decoded with the
 * same definitions (response header v0, or v1 with its tagged-field section when flexible).
 */
import * as net from 'net';
import { FrameDecoder } from '../../lib/protocol/frame';
import { isFlexible, KafkaApiDef, responseHeaderVersion } from '../../lib/protocol/kafka/kafka-api';
import { encodeKafkaRequestFrame } from '../../lib/protocol/kafka/kafka-frame';
import { Reader } from '../../lib/protocol/reader';

interface Pending {
  decode: (r: Reader) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

function skipTaggedFields(r: Reader): void {
  const count = r.readUnsignedVarint();
  for (let i = 0; i < count; i++) {
    r.readUnsignedVarint();
    r.skip(r.readUnsignedVarint());
  }
}

export class KafkaWireClient {
  private readonly socket: net.Socket;
  private readonly decoder = new FrameDecoder(64 << 20);
  private readonly pending = new Map<number, Pending>();
  private readonly connected: Promise<void>;
  private nextCorrelationId = 1;
  private closedError: Error | null = null;

  constructor(port: number, private readonly clientId = 'kafka-test') {
    this.socket = net.connect({ port, host: '127.0.0.1' });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk) => {
      for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => this.failAll(new Error('the broker closed the connection')));
  }

  async send<Req, Resp>(api: KafkaApiDef<Req, Resp>, version: number, body: Req): Promise<Resp> {
    await this.connected;
    if (this.closedError) throw this.closedError;
    const correlationId = this.nextCorrelationId++;
    const answer = new Promise<unknown>((resolve, reject) => {
      this.pending.set(correlationId, {
        decode: (r) => {
          if (responseHeaderVersion(api, version) === 1) skipTaggedFields(r);
          return api.response.read(r, version, isFlexible(api, version));
        },
        resolve,
        reject,
      });
    });
    for (const chunk of encodeKafkaRequestFrame(api, { apiKey: api.key, apiVersion: version, correlationId, clientId: this.clientId }, body)) {
      this.socket.write(chunk);
    }
    return answer as Promise<Resp>;
  }

  close(): void {
    this.socket.destroy();
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    const correlationId = r.readInt32();
    const p = this.pending.get(correlationId);
    if (!p) return;
    this.pending.delete(correlationId);
    try {
      const value = p.decode(r);
      if (r.remaining !== 0) throw new Error(`${r.remaining} unexpected trailing bytes in the response`);
      p.resolve(value);
    } catch (err) {
      p.reject(err as Error);
    }
  }

  private failAll(err: Error): void {
    this.closedError = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
