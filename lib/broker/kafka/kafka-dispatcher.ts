/**
 * The Kafka listener's API table: each Kafka API served, with the handler that serves it.
 * Handlers are thin adapters over the native handlers (kafka-handlers.ts), so both listeners
 * share logs, groups and the startup gate. ApiVersions answers from this table.
 */
import { AnyKafkaApiDef, KafkaApiDef } from '../../protocol/kafka/kafka-api';
import { Handler } from '../request-context';

export interface KafkaRegistration {
  api: AnyKafkaApiDef;
  handler: Handler<unknown, unknown>;
  /**
   * The response for a request whose handler failed as a whole, with `errorCode` in every item
   * (Kafka's AbstractRequest.getErrorResponse). Without one, the connection is closed instead.
   */
  errorResponse?: (request: unknown, errorCode: number, version: number) => unknown;
}

export class KafkaDispatcher {
  private readonly handlers = new Map<number, KafkaRegistration>();

  register<Req, Resp>(api: KafkaApiDef<Req, Resp>, handler: Handler<Req, Resp>,
    errorResponse?: (request: Req, errorCode: number, version: number) => Resp): this {
    if (this.handlers.has(api.key)) throw new Error(`Kafka handler for ${api.name} registered twice`);
    this.handlers.set(api.key, {
      api,
      handler: handler as Handler<unknown, unknown>,
      errorResponse: errorResponse as KafkaRegistration['errorResponse'],
    });
    return this;
  }

  lookup(apiKey: number): KafkaRegistration | undefined {
    return this.handlers.get(apiKey);
  }

  supported(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return [...this.handlers.values()]
      .map(({ api }) => ({ apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
