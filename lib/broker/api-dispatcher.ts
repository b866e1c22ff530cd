/**
 * Maps API keys to handlers. The broker registers one handler per API it serves; ApiVersions
 * answers from this table, so a client only ever sees what is really served. With a startup
 * gate, every handler waits for the broker to be ready unless it is registered as served while
 * starting (ApiVersions and the controller's requests).
 */
import { AnyApiDef, ApiDef } from '../protocol/api';
import { Handler } from './request-context';
import { RequestTiming } from './request-timing';
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
 * Told about every request a connection of either listener answered, once its response was
 * written to the socket (lib/http/broker-metrics.ts). The timing's apiName is the API
 * definition's own string, so the observer can key cached label children by it.
 */
export interface RequestObserver {
  requestCompleted(timing: RequestTiming): void;
}

export class ApiDispatcher {
  private readonly handlers = new Map<number, Registration>();

  /** @param observer handed by the listeners to their connections, which time each request end to end. */
  constructor(private readonly gate?: StartupGate, readonly observer?: RequestObserver) {}

  register<Req, Resp>(api: ApiDef<Req, Resp>, handler: Handler<Req, Resp>, options: RegisterOptions = {}): this {
    if (this.handlers.has(api.key)) throw new Error(`handler for ${api.name} registered twice`);
    const gated = this.gate && !options.servedWhileStarting ? this.gate.guard(handler) : handler;
    this.handlers.set(api.key, { api, handler: gated as Handler<unknown, unknown> });
    return this;
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
