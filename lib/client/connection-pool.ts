/**
 * The client's connections: one Connection per broker address, shared by everything a client
 * sends to that broker. Broker node ids map to addresses from metadata, so the bootstrap
 * connection to a broker is reused once its node id is known instead of opening a second socket.
 *
 * Owns the reconnect policy: after a failed connect or a dropped socket, the next attempt to that
 * address waits an exponential backoff (reconnectBackoffMs doubling up to reconnectBackoffMaxMs),
 * and the first success resets it. Bootstrap addresses are tried in order until one answers.
 */
import { NetworkTraffic } from './client-metrics';
import { isAuthenticationError } from '../security/sasl/sasl-errors';
import { Connection } from './connection';
import { BrokerAddress, ResolvedClientOptions } from './client-options';
import { exponentialBackoffMs } from './retry-policy';
import { sleep } from '../util/time';
import { closedError, userError } from './client-errors';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ClientLogger, clientLogger } from './client-logger';

export interface NodeAddress extends BrokerAddress {
  nodeId: number;
}

interface Slot {
  readonly key: string;
  readonly conn: Connection;
  /** Consecutive failed connects; drives the backoff. */
  failures: number;
  nextAttemptAtMs: number;
  connecting: Promise<Connection> | null;
}

function keyOf(address: BrokerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export class ConnectionPool {
  private readonly log: ClientLogger;
  /** Bytes and requests over every connection this pool opened (the client's network metrics). */
  readonly traffic = new NetworkTraffic();
  private readonly slots = new Map<string, Slot>();
  private readonly nodes = new Map<number, BrokerAddress>();
  private closed = false;

  constructor(private readonly options: ResolvedClientOptions, private readonly now: () => number = Date.now) {
    this.log = clientLogger(options.logger, 'client');
  }

  /** Replaces the node id → address map with what the latest metadata says; drops connections nobody can reach any more. */
  setNodes(nodes: readonly NodeAddress[]): void {
    this.nodes.clear();
    for (const n of nodes) this.nodes.set(n.nodeId, { host: n.host, port: n.port });
    const wanted = new Set([...this.options.bootstrap, ...this.nodes.values()].map(keyOf));
    for (const [key, slot] of this.slots) {
      if (!wanted.has(key)) {
        slot.conn.close();
        this.slots.delete(key);
      }
    }
  }

  nodeAddress(nodeId: number): BrokerAddress | undefined {
    return this.nodes.get(nodeId);
  }

  /** True when a request to this node would go out now, without waiting for a connect. */
  isConnected(nodeId: number): boolean {
    const address = this.nodes.get(nodeId);
    const slot = address && this.slots.get(keyOf(address));
    return slot !== undefined && slot.conn.isConnected;
  }

  /** Milliseconds until a connect to this node may be attempted (0 when it may be tried now). */
  backoffRemainingMs(nodeId: number): number {
    const address = this.nodes.get(nodeId);
    const slot = address && this.slots.get(keyOf(address));
    if (!slot || slot.conn.isConnected) return 0;
    return Math.max(0, slot.nextAttemptAtMs - this.now());
  }

  /** The (connected) connection to a broker by node id. */
  forNode(nodeId: number): Promise<Connection> {
    const address = this.nodes.get(nodeId);
    if (!address) {
      return Promise.reject(new SamsaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not in the cluster metadata`));
    }
    return this.forAddress(address);
  }

  /** The (connected) connection to an address, connecting with backoff if needed. */
  forAddress(address: BrokerAddress): Promise<Connection> {
    if (this.closed) return Promise.reject(closedError('the client'));
    return this.connectSlot(this.slot(address));
  }

  /**
   * Any broker that answers, for requests any broker can serve (Metadata, admin requests). Prefers
   * an open connection with the fewest requests in flight, then the bootstrap list in order, then
   * the other brokers from metadata.
   */
  async anyConnection(): Promise<Connection> {
    if (this.closed) throw closedError('the client');
    let best: Connection | null = null;
    for (const slot of this.slots.values()) {
      if (slot.conn.isConnected && (best === null || slot.conn.inFlight < best.inFlight)) best = slot.conn;
    }
    if (best) return best;
    const candidates = new Map<string, BrokerAddress>();
    for (const a of [...this.options.bootstrap, ...this.nodes.values()]) candidates.set(keyOf(a), a);
    const failures: string[] = [];
    for (const address of candidates.values()) {
      try {
        return await this.forAddress(address);
      } catch (err) {
        if (this.closed || isAuthenticationError(err)) throw err;
        failures.push(`${keyOf(address)}: ${(err as Error).message}`);
      }
    }
    throw userError(ErrorCode.NETWORK_EXCEPTION, `Could not connect to any broker (${failures.join('; ')})`);
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots.values()) slot.conn.close();
    this.slots.clear();
  }

  private slot(address: BrokerAddress): Slot {
    const key = keyOf(address);
    let slot = this.slots.get(key);
    if (slot) return slot;
    const conn = new Connection({
      host: address.host,
      port: address.port,
      clientId: this.options.clientId,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
      security: this.options.security,
      traffic: this.traffic,
    });
    const created: Slot = { key, conn, failures: 0, nextAttemptAtMs: 0, connecting: null };
    conn.on('close', () => {
      // A dropped socket is not a failed connect, but reconnecting at once would hammer a broker that is restarting.
      created.nextAttemptAtMs = this.now() + this.backoffMs(created.failures);
      this.log.debug(`connection to ${key} closed`);
    });
    conn.on('error-detail', (err: Error) => this.log.debug(`connection to ${key} failed: ${err.message}`));
    this.slots.set(key, created);
    slot = created;
    return slot;
  }

  private backoffMs(failures: number): number {
    return exponentialBackoffMs(failures, this.options.reconnectBackoffMs, this.options.reconnectBackoffMaxMs);
  }

  private connectSlot(slot: Slot): Promise<Connection> {
    if (slot.conn.isConnected) return Promise.resolve(slot.conn);
    if (slot.connecting) return slot.connecting;
    const attempt = async (): Promise<Connection> => {
      const waitMs = slot.nextAttemptAtMs - this.now();
      if (waitMs > 0) await sleep(waitMs);
      if (this.closed) throw closedError('the client');
      try {
        await slot.conn.connect();
        slot.failures = 0;
        return slot.conn;
      } catch (err) {
        slot.nextAttemptAtMs = this.now() + this.backoffMs(slot.failures);
        slot.failures++;
        throw err;
      }
    };
    slot.connecting = attempt().finally(() => {
      slot.connecting = null;
    });
    return slot.connecting;
  }
}
