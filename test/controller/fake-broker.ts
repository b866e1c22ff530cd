/**
 * A stand-in broker for controller tests: a TCP server that speaks the controller-to-broker
 * APIs, records every LeaderAndIsr / UpdateMetadata / StopReplica it receives and answers with
 * no errors. It registers itself in ZooKeeper the way a broker does, so the controller finds it
 * through `/brokers/ids` exactly as it finds real brokers.
 */
import * as net from 'net';
import { Api, apiByKey } from '../../lib/protocol/api';
import { encodeErrorResponseFrame, encodeResponseFrame, FrameDecoder, readRequestHeader } from '../../lib/protocol/frame';
import { ErrorCode } from '../../lib/protocol/errors';
import { Reader } from '../../lib/protocol/reader';
import {
  LeaderAndIsrRequestData, StopReplicaRequestData, UpdateMetadataRequestData,
} from '../../lib/protocol/messages/controller';
import { BrokerRegistration, registerBroker } from '../../lib/zk/broker-registration';
import { ZkClient } from '../../lib/zk/zk-client';

export interface ReceivedRequest {
  api: string;
  body: unknown;
  at: number;
}

export class FakeBrokerServer {
  readonly received: ReceivedRequest[] = [];
  /** While true, StopReplica requests are recorded but not answered (to test waiting for acks). */
  holdStopReplica = false;
  private readonly held: Array<() => void> = [];
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(readonly brokerId: number) {}

  /** Listens on the given port (0 = any free one); a closed fake broker may listen again. */
  async listen(port = 0): Promise<void> {
    const server = net.createServer((socket) => this.onConnection(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as net.AddressInfo).port;
  }

  leaderAndIsr(): LeaderAndIsrRequestData[] {
    return this.received.filter((r) => r.api === 'LeaderAndIsr').map((r) => r.body as LeaderAndIsrRequestData);
  }

  updateMetadata(): UpdateMetadataRequestData[] {
    return this.received.filter((r) => r.api === 'UpdateMetadata').map((r) => r.body as UpdateMetadataRequestData);
  }

  stopReplica(): StopReplicaRequestData[] {
    return this.received.filter((r) => r.api === 'StopReplica').map((r) => r.body as StopReplicaRequestData);
  }

  lastUpdateMetadata(): UpdateMetadataRequestData | undefined {
    const all = this.updateMetadata();
    return all[all.length - 1];
  }

  /** Answers the StopReplica requests held so far and stops holding new ones. */
  releaseStopReplica(): void {
    this.holdStopReplica = false;
    for (const answer of this.held.splice(0)) answer();
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    socket.on('data', (chunk) => {
      try {
        for (const frame of decoder.push(chunk)) this.onFrame(socket, frame);
      } catch {
        socket.destroy();
      }
    });
  }

  private onFrame(socket: net.Socket, frame: Buffer): void {
    const r = new Reader(frame);
    const header = readRequestHeader(r);
    const api = apiByKey(header.apiKey);
    if (!api) {
      write(socket, encodeErrorResponseFrame(header.correlationId, ErrorCode.UNSUPPORTED_VERSION.code, 'unknown api'));
      return;
    }
    const body = api.request.read(r, header.apiVersion) as Record<string, unknown>;
    this.received.push({ api: api.name, body, at: Date.now() });
    const answer = (response: unknown) => write(socket, encodeResponseFrame(header.correlationId, api.response, response, header.apiVersion));
    if (api.key === Api.LeaderAndIsr.key) {
      const partitionErrors = (body as LeaderAndIsrRequestData).partitionStates.map((p) => ({ topicName: p.topicName, partitionIndex: p.partitionIndex, errorCode: 0 }));
      answer({ errorCode: 0, partitionErrors });
    } else if (api.key === Api.UpdateMetadata.key) {
      answer({ errorCode: 0 });
    } else if (api.key === Api.StopReplica.key) {
      const partitionErrors = (body as StopReplicaRequestData).partitions.map((p) => ({ ...p, errorCode: 0 }));
      const reply = () => answer({ errorCode: 0, partitionErrors });
      if (this.holdStopReplica) this.held.push(reply);
      else reply();
    } else {
      write(socket, encodeErrorResponseFrame(header.correlationId, ErrorCode.UNSUPPORTED_VERSION.code, `fake broker does not handle ${api.name}`));
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A fake broker's server plus its ZooKeeper session and registration. */
export class FakeBroker {
  private constructor(readonly server: FakeBrokerServer, readonly zk: ZkClient, readonly registration: BrokerRegistration) {}

  /** Starts the server and registers `/brokers/ids/<id>` on a session of its own. */
  static async start(brokerId: number, connectString: string, zk?: ZkClient): Promise<FakeBroker> {
    const server = new FakeBrokerServer(brokerId);
    await server.listen();
    const client = zk ?? await ZkClient.connect({ connectString, sessionTimeoutMs: 6000 });
    const registration = await registerBroker(client, { brokerId, host: '127.0.0.1', port: server.port });
    return new FakeBroker(server, client, registration);
  }

  get brokerId(): number {
    return this.server.brokerId;
  }

  get epoch(): number {
    return Number(this.registration.brokerEpoch);
  }

  /** Ends the ZooKeeper session (its ephemeral nodes go at once) and stops listening. */
  async stop(): Promise<void> {
    await this.zk.close();
    await this.server.close();
  }
}

function write(socket: net.Socket, frame: Buffer[]): void {
  if (!socket.destroyed) socket.write(Buffer.concat(frame));
}
