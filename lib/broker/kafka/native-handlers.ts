/** Typed access to the native handlers the Kafka adapters delegate to. */
import { ApiDef } from '../../protocol/api';
import { ApiDispatcher } from '../api-dispatcher';
import { Handler } from '../request-context';

/**
 * The native handler for `api`, looked up on first use: listeners are built with the broker,
 * before it registers its handlers during startup (and before any request can arrive).
 */
export function nativeHandler<Req, Resp>(native: ApiDispatcher, api: ApiDef<Req, Resp>): Handler<Req, Resp> {
  let handler: Handler<Req, Resp> | undefined;
  return (request, ctx) => {
    if (!handler) {
      const registration = native.lookup(api.key);
      if (!registration) throw new Error(`the native ${api.name} handler is not registered`);
      handler = registration.handler as Handler<Req, Resp>;
    }
    return handler(request, ctx);
  };
}

/** Runs a handler and awaits its answer, whether it answered synchronously or not. */
export async function callNative<Req, Resp>(handler: Handler<Req, Resp>, request: Req, ctx: Parameters<Handler<Req, Resp>>[1]): Promise<Resp> {
  const response = await handler(request, ctx);
  if (response === null) throw new Error('native handler sent no response where one is required');
  return response;
}
