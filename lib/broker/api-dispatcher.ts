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

export class ApiDispatcher {
  private readonly handlers = new Map<number, Registration>();

  constructor(private readonly gate?: StartupGate) {}

  register<Req, Resp>(api: ApiDef<Req, Resp>, handler: Handler<Req, Resp>, options: RegisterOptions = {}): this {
    if (this.handlers.has(api.key)) throw new Error(`handler for ${api.name} registered twice`);
    const served = this.gate && !options.servedWhileStarting ? this.gate.guard(handler) : handler;
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
