/**
 * Maps API keys to handlers. The broker registers one handler per API it serves; ApiVersions
 * answers from this table, so a client only ever sees what is really served. With a startup
 * gate, every handler waits for the broker to be ready unless it is registered as served while
 * starting (ApiVersions and the controller's requests).
 */
import { AnyApiDef, ApiDef } from '../protocol/api';
import { Handler } from './request-context';
import { StartupGate } from './startup-gate';

export interface RegisterOptions {
  /** Served before the broker is ready: the controller's requests, which make it ready. */
  servedWhileStarting?: boolean;
}

export interface Registration {
  api: AnyApiDef;
  handler: Handler<unknown, unknown>;
}

/**
 * Told about every request a registered handler finished (lib/http/broker-metrics.ts). `track`
 * runs once per API at registration, so per-request work is a clock read and a call.
 */
export interface RequestObserver {
  track(apiName: string): (startedNs: bigint, failed: boolean) => void;
}

export class ApiDispatcher {
  private readonly handlers = new Map<number, Registration>();

  constructor(private readonly gate?: StartupGate, private readonly observer?: RequestObserver) {}

  register<Req, Resp>(api: ApiDef<Req, Resp>, handler: Handler<Req, Resp>, options: RegisterOptions = {}): this {
    if (this.handlers.has(api.key)) throw new Error(`handler for ${api.name} registered twice`);
    const gated = this.gate && !options.servedWhileStarting ? this.gate.guard(handler) : handler;
    const served = this.observer ? observed(gated, this.observer.track(api.name)) : gated;
    this.handlers.set(api.key, { api, handler: served as Handler<unknown, unknown> });
    return this;
  }

  /**
   * Holds `handler` behind the same startup gate as the registered handlers, for an API another
   * listener serves without a native handler (Kafka's OffsetDelete).
   */
  guard<Req, Resp>(handler: Handler<Req, Resp>): Handler<Req, Resp> {
    return this.gate ? this.gate.guard(handler) : handler;
  }

  lookup(apiKey: number): Registration | undefined {
    return this.handlers.get(apiKey);
  }

  supported(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return [...this.handlers.values()]
      .map(({ api }) => ({ apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}

/** Times a handler from its call to its answer (Kafka's TotalTimeMs without the network legs). */
function observed<Req, Resp>(handler: Handler<Req, Resp>, done: (startedNs: bigint, failed: boolean) => void): Handler<Req, Resp> {
  return async (request: Req, ctx) => {
    const started = process.hrtime.bigint();
    try {
      const response = await handler(request, ctx);
      done(started, false);
      return response;
    } catch (err) {
      done(started, true);
      throw err;
    }
  };
}
