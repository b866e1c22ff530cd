/**
 * A tiny broker for client tests: a TCP server speaking the real wire protocol (lib/protocol)
 * whose answers are scripted per API by the test. It can stay silent (acks=0, timeouts), drop
 * every connection (reconnect tests) and logs every request it decodes.
 *
 * FakeCluster describes several fake brokers and their topics in one place, so each broker
 * answers Metadata consistently and a test can move a partition's leader between answers.
 */
import * as net from 'net';
import { Api, ApiDef, apiByKey } from '../../lib/protocol/api';
import { encodeResponseFrame, FrameDecoder, readRequestHeader } from '../../lib/protocol/frame';
import { MetadataResponseData } from '../../lib/protocol/messages/metadata';
import { Reader } from '../../lib/protocol/reader';

/** Returned by a handler to send no response at all. */
export const NO_RESPONSE = Symbol('no-response');
/** Returned by a handler to close the connection instead of answering. */
export const CLOSE_CONNECTION = Symbol('close-connection');

export type HandlerResult<Resp> = Resp | typeof NO_RESPONSE | typeof CLOSE_CONNECTION;
export type Handler<Req, Resp> = (body: Req, broker: FakeBroker) => HandlerResult<Resp> | Promise<HandlerResult<Resp>>;

export interface LoggedRequest {
  apiKey: number;
  apiName: string;
  body: any;
}

export class FakeBroker {
  readonly requests: LoggedRequest[] = [];
  private readonly handlers = new Map<number, Handler<any, any>>();
  private readonly sockets = new Set<net.Socket>();
  connectionsAccepted = 0;

  private constructor(readonly nodeId: number, private readonly server: net.Server, readonly port: number) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(nodeId = 1): Promise<FakeBroker> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    return new FakeBroker(nodeId, server, port);
  }

  get host(): string {
    return '127.0.0.1';
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  on<Req, Resp>(api: ApiDef<Req, Resp>, handler: Handler<Req, Resp>): this {
    this.handlers.set(api.key, handler);
    return this;
  }

  requestsFor(api: ApiDef<any, any>): any[] {
    return this.requests.filter((r) => r.apiKey === api.key).map((r) => r.body);
  }

  /** Destroys every open connection (the client sees the socket die). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.connectionsAccepted++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) void this.onFrame(socket, frame);
    });
  }

  private async onFrame(socket: net.Socket, frame: Buffer): Promise<void> {
    const r = new Reader(frame);
    const header = readRequestHeader(r);
    const api = apiByKey(header.apiKey);
    if (!api) throw new Error(`fake broker: unknown api key ${header.apiKey}`);
    const body = api.request.read(r, header.apiVersion);
    this.requests.push({ apiKey: api.key, apiName: api.name, body });
    const handler = this.handlers.get(api.key);
    if (!handler) throw new Error(`fake broker ${this.nodeId}: no handler for ${api.name}`);
    const result = await handler(body, this);
    if (result === NO_RESPONSE) return;
    if (result === CLOSE_CONNECTION) {
      socket.destroy();
      return;
    }
    if (socket.destroyed) return;
    for (const chunk of encodeResponseFrame(header.correlationId, api.response, result, header.apiVersion)) socket.write(chunk);
  }
}

export interface FakePartition {
  leader: number;
  leaderEpoch?: number;
  replicas?: number[];
}

/** Brokers plus topic layout; every broker answers Metadata from it. */
export class FakeCluster {
  topics = new Map<string, FakePartition[]>();
  metadataRequests = 0;

  constructor(readonly brokers: FakeBroker[]) {
    for (const b of brokers) b.on(Api.Metadata, (req) => this.metadata(req.topics));
  }

  static async start(brokerCount: number): Promise<FakeCluster> {
    const brokers: FakeBroker[] = [];
    for (let i = 1; i <= brokerCount; i++) brokers.push(await FakeBroker.start(i));
    return new FakeCluster(brokers);
  }

  get bootstrap(): string {
    return this.brokers.map((b) => b.address).join(',');
  }

  broker(nodeId: number): FakeBroker {
    const b = this.brokers.find((x) => x.nodeId === nodeId);
    if (!b) throw new Error(`no fake broker ${nodeId}`);
    return b;
  }

  metadata(topics: string[] | null): MetadataResponseData {
    this.metadataRequests++;
    const names = topics ?? [...this.topics.keys()];
    return {
      brokers: this.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: null })),
      clusterId: 'fake-cluster',
      controllerId: this.brokers[0]?.nodeId ?? -1,
      topics: names.map((name) => {
        const partitions = this.topics.get(name);
        if (!partitions) return { errorCode: 3, name, isInternal: false, partitions: [] };
        return {
          errorCode: 0, name, isInternal: false,
          partitions: partitions.map((p, i) => ({
            errorCode: p.leader < 0 ? 5 : 0, partitionIndex: i, leaderId: p.leader, leaderEpoch: p.leaderEpoch ?? 0,
            replicaNodes: p.replicas ?? [p.leader], isrNodes: p.replicas ?? [p.leader], offlineReplicas: [],
          })),
        };
      }),
    };
  }

  async stop(): Promise<void> {
    for (const b of this.brokers) await b.stop();
  }
}
