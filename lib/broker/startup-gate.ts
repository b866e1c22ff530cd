/**
 * Holds client requests until the broker knows the cluster.
 *
 * A broker restarted after a crash binds its listener, then may wait many seconds for ZooKeeper
 * to expire its previous session before it can register, and only after registering does the
 * controller send it metadata. Answering a Metadata request in that window with an empty cache
 * tells clients that their topics do not exist. Kafka avoids this by starting its data-plane
 * processors last; Samsa must keep serving the controller's own requests (LeaderAndIsr,
 * UpdateMetadata) on the same listener meanwhile, so it holds the other requests instead and
 * answers them once the gate opens. A request held longer than the wait bound is answered with
 * a retriable error, which clients retry like any leader movement.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { Handler, RequestContext } from './request-context';

interface HeldRequest {
  release: (err?: Error) => void;
  timer: NodeJS.Timeout;
}

export class StartupGate {
  private open = false;
  private closedReason: string | null = null;
  private readonly held = new Set<HeldRequest>();

  /** @param maxHoldMs how long one request may wait before it is answered with a retriable error. */
  constructor(private readonly brokerId: number, private readonly maxHoldMs: number) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** How many requests are waiting; bounded by connections × queued.max.requests. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Lets every held and future request through. */
  openGate(): void {
    if (this.open) return;
    this.open = true;
    for (const h of this.held) h.release();
    this.held.clear();
  }

  /** The broker is stopping before it got ready: held requests are answered with an error. */
  shut(reason: string): void {
    this.closedReason = reason;
    for (const h of this.held) h.release(this.notReady(reason));
    this.held.clear();
  }

  /** Wraps a handler so it runs only once the gate is open; the open path adds no work. */
  guard<Req, Resp>(handler: Handler<Req, Resp>): Handler<Req, Resp> {
    return (request: Req, ctx: RequestContext) => {
      if (this.open) return handler(request, ctx);
      return this.whenOpen().then(() => {
        // Held until ready: that wait is request queue time, not the handler's own.
        ctx.timing?.start();
        return handler(request, ctx);
      });
    };
  }

  private whenOpen(): Promise<void> {
    if (this.closedReason !== null) return Promise.reject(this.notReady(this.closedReason));
    return new Promise<void>((resolve, reject) => {
      const held: HeldRequest = {
        release: (err) => {
          clearTimeout(held.timer);
          if (err) reject(err);
          else resolve();
        },
        timer: setTimeout(() => {
          this.held.delete(held);
          reject(this.notReady(`not ready after ${this.maxHoldMs} ms`));
        }, this.maxHoldMs),
      };
      this.held.add(held);
    });
  }

  private notReady(detail: string): SamsaError {
    // Retriable: clients back off and ask again, as they do while a leader is being elected.
    return new SamsaError(ErrorCode.LEADER_NOT_AVAILABLE,
      `Broker ${this.brokerId} is starting and has no cluster metadata yet (${detail}); retry`);
  }
}
