/**
 * Maps API keys to handlers. The broker registers one handler per API it serves; ApiVersions
 * answers from this table, so a client only ever sees what is really served.
 */
import { AnyApiDef, ApiDef } from '../protocol/api';
import { Handler } from './request-context';

export interface Registration {
  api: AnyApiDef;
  handler: Handler<unknown, unknown>;
}

export class ApiDispatcher {
  private readonly handlers = new Map<number, Registration>();

  register<Req, Resp>(api: ApiDef<Req, Resp>, handler: Handler<Req, Resp>): this {
    if (this.handlers.has(api.key)) throw new Error(`handler for ${api.name} registered twice`);
    this.handlers.set(api.key, { api, handler: handler as Handler<unknown, unknown> });
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
