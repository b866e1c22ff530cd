/**
 * A real broker's Kafka listener, and a minimal Kafka client for it:
 * requests encoded with the Kafka definitions, responses read back with them (response header v0,
 * or v1 with its tagged-field section in flexible versions), one socket, answers in order.
 */
import { expect } from 'chai';
import * as net from 'net';
import { Broker } from '../../../lib/broker/broker';
import { FrameDecoder } from '../../../lib/protocol/frame';
import { KafkaApiDef, isFlexible, responseHeaderVersion } from '../../../lib/protocol/kafka/kafka-api';
import { encodeKafkaRequestFrame } from '../../../lib/protocol/kafka/kafka-frame';
import { Reader } from '../../../lib/protocol/reader';

/** The broker's own Kafka listener (the broker must be started with a KAFKA listener). */
export function kafkaListenerPort(broker: Broker): number {
  const port = broker.boundPort('KAFKA');
  expect(port, 'the broker binds a KAFKA listener').to.be.greaterThan(0);
  return port;
}

/** Listeners for a test broker: a native one, and the Kafka one these tests speak to. */
export const WITH_KAFKA_LISTENER = { listeners: 'PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:0' };

export class KafkaTestClient {
  private readonly decoder = new FrameDecoder(1 << 24);
  private readonly frames: Buffer[] = [];
  private waiter: (() => void) | null = null;
  private nextCorrelationId = 1;
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.frames.push(...this.decoder.push(chunk));
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static connect(port: number): Promise<KafkaTestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new KafkaTestClient(socket)));
      socket.once('error', reject);
    });
  }

  async send<Req, Resp>(api: KafkaApiDef<Req, Resp>, version: number, body: Req): Promise<Resp> {
    const correlationId = this.nextCorrelationId++;
    for (const chunk of encodeKafkaRequestFrame(api, { apiKey: api.key, apiVersion: version, correlationId, clientId: 'kafka-test' }, body)) {
      this.socket.write(chunk);
    }
    const frame = await this.nextFrame(`${api.name} v${version}`);
    const r = new Reader(frame);
    expect(r.readInt32(), 'correlation id').to.equal(correlationId);
    if (responseHeaderVersion(api, version) === 1) expect(r.readUnsignedVarint(), 'response header tags').to.equal(0);
    const response = api.response.read(r, version, isFlexible(api, version));
    expect(r.remaining, `bytes after the ${api.name} v${version} response`).to.equal(0);
    return response;
  }

  close(): void {
    this.socket.destroy();
  }

  private async nextFrame(what: string): Promise<Buffer> {
    const deadline = Date.now() + 20000;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error(`the broker closed the connection instead of answering ${what}`);
      if (Date.now() > deadline) throw new Error(`no answer to ${what} within 20 s`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 100);
      });
      this.waiter = null;
    }
    return this.frames.shift()!;
  }
}
