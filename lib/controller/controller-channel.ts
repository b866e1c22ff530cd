/**
 * The controller's outbound path to brokers (Kafka's ControllerChannelManager): one ordered
 * queue and one Connection per live broker, the controller's own broker included.
 *
 * Requests to a broker go out one at a time, in the order they were queued, because a broker
 * must see LeaderAndIsr and UpdateMetadata in the order the controller decided them. A failed
 * send (network error, timeout) is retried with capped exponential backoff for as long as the
 * broker stays registered; removing the broker drops its queue. Queues are bounded: a newer
 * complete-snapshot request (UpdateMetadata) replaces an older one still waiting, and past the
 * bound new requests are refused rather than buffered without limit.
 */
import { ClientSecurity } from '../security/client-security';
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { ApiDef } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { Connection } from '../client/connection';
import { getLogger } from '../util/logger';

const log = getLogger('controller-channel');

export interface ChannelBroker {
  id: number;
  host: string;
  port: number;
}

export interface ControllerChannelOptions {
  controllerId: number;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  maxQueuedRequests?: number;
  /** TLS/SASL of the inter-broker listener (lib/security/inter-broker-security.ts); PLAINTEXT when absent. */
  security?: ClientSecurity;
}

type ResolvedChannelOptions = Required<Omit<ControllerChannelOptions, 'security'>> & Pick<ControllerChannelOptions, 'security'>;

export interface EnqueueOptions {
  /** Requests with the same key replace each other while still queued (complete snapshots). */
  coalesceKey?: string;
}

interface QueuedRequest {
  api: ApiDef<any, any>;
  body: unknown;
  coalesceKey?: string;
  resolve: (response: unknown) => void;
  reject: (err: Error) => void;
}

/** The broker left (or the channel closed) before the request was answered. */
export class BrokerUnavailableError extends SamsaError {
  constructor(readonly brokerId: number, detail: string) {
    super(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${brokerId}: ${detail}`);
    this.name = 'BrokerUnavailableError';
  }
}

class BrokerQueue {
  readonly queue: QueuedRequest[] = [];
  private readonly connection: Connection;
  private running = false;
  private stopped = false;
  private backoffTimer: NodeJS.Timeout | null = null;
  private wakeBackoff: (() => void) | null = null;

  constructor(readonly broker: ChannelBroker, private readonly opts: ResolvedChannelOptions) {
    this.connection = new Connection({
      host: broker.host,
      port: broker.port,
      clientId: `controller-${opts.controllerId}`,
      requestTimeoutMs: opts.requestTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      security: opts.security,
    });
    this.connection.on('error-detail', () => undefined);
  }

  enqueue(item: QueuedRequest): void {
    if (this.stopped) {
      item.reject(new BrokerUnavailableError(this.broker.id, 'no longer live'));
      return;
    }
    // The head may be in flight; only requests behind it can be replaced.
    if (item.coalesceKey !== undefined) {
      for (let i = this.running ? 1 : 0; i < this.queue.length; i++) {
        const old = this.queue[i];
        if (old.coalesceKey === item.coalesceKey) {
          this.queue.splice(i, 1);
          old.resolve(undefined);
          break;
        }
      }
    }
    if (this.queue.length >= this.opts.maxQueuedRequests) {
      item.reject(new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `queue to broker ${this.broker.id} is full (${this.opts.maxQueuedRequests} requests)`));
      return;
    }
    this.queue.push(item);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.queue.length > 0) {
        const item = this.queue[0];
        const response = await this.sendWithRetry(item);
        if (this.stopped) return;
        this.queue.shift();
        item.resolve(response);
      }
    } finally {
      this.running = false;
    }
  }

  private async sendWithRetry(item: QueuedRequest): Promise<unknown> {
    let backoffMs = this.opts.retryBackoffMs;
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        return await this.connection.send(item.api, item.body);
      } catch (err) {
        if (this.stopped) return undefined;
        if (attempt === 1 || attempt % 10 === 0) {
          log.warn(`${item.api.name} to broker ${this.broker.id} at ${this.connection.address} failed (attempt ${attempt}), retrying: ${(err as Error).message}`);
        }
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, this.opts.retryBackoffMaxMs);
      }
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeBackoff = resolve;
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = null;
        this.wakeBackoff = null;
        resolve();
      }, ms);
    });
  }

  stop(reason: string): void {
    this.stopped = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
    this.wakeBackoff?.();
    this.wakeBackoff = null;
    this.connection.close();
    const dropped = this.queue.splice(0);
    for (const item of dropped) item.reject(new BrokerUnavailableError(this.broker.id, reason));
  }
}

export class ControllerChannel {
  private readonly brokers = new Map<number, BrokerQueue>();
  private readonly opts: ResolvedChannelOptions;
  private closed = false;

  constructor(options: ControllerChannelOptions) {
    this.opts = {
      security: options.security,
      controllerId: options.controllerId,
      requestTimeoutMs: options.requestTimeoutMs ?? configDefault(brokerConfigDefs, 'request.timeout.ms'),
      connectTimeoutMs: options.connectTimeoutMs ?? 10000,
      retryBackoffMs: options.retryBackoffMs ?? 100,
      retryBackoffMaxMs: options.retryBackoffMaxMs ?? 5000,
      maxQueuedRequests: options.maxQueuedRequests ?? 10000,
    };
  }

  /** Adds a broker, replacing an earlier entry whose address changed (a restarted broker). */
  addBroker(broker: ChannelBroker): void {
    if (this.closed) return;
    const existing = this.brokers.get(broker.id);
    if (existing && existing.broker.host === broker.host && existing.broker.port === broker.port) return;
    existing?.stop('re-registered at a new address');
    this.brokers.set(broker.id, new BrokerQueue(broker, this.opts));
  }

  removeBroker(brokerId: number): void {
    const q = this.brokers.get(brokerId);
    if (!q) return;
    this.brokers.delete(brokerId);
    q.stop('no longer live');
  }

  hasBroker(brokerId: number): boolean {
    return this.brokers.has(brokerId);
  }

  brokerIds(): number[] {
    return [...this.brokers.keys()].sort((a, b) => a - b);
  }

  /** Requests queued or in flight for a broker. */
  queuedRequests(brokerId: number): number {
    return this.brokers.get(brokerId)?.queue.length ?? 0;
  }

  /**
   * Queues a request and resolves with the broker's response. Resolves with undefined when a
   * newer request with the same coalesceKey replaced it; rejects with BrokerUnavailableError
   * when the broker goes away first.
   */
  send<Req, Resp>(brokerId: number, api: ApiDef<Req, Resp>, body: Req, options: EnqueueOptions = {}): Promise<Resp | undefined> {
    return new Promise<Resp | undefined>((resolve, reject) => {
      const q = this.brokers.get(brokerId);
      if (!q || this.closed) {
        reject(new BrokerUnavailableError(brokerId, this.closed ? 'controller channel is closed' : 'not a live broker'));
        return;
      }
      q.enqueue({ api, body, coalesceKey: options.coalesceKey, resolve: resolve as (r: unknown) => void, reject });
    });
  }

  close(): void {
    this.closed = true;
    for (const q of this.brokers.values()) q.stop('controller channel is closed');
    this.brokers.clear();
  }
}
