/** Typed access to the native handlers the Kafka adapters delegate to. */
import { ApiDef } from '../../protocol/api';
import { ApiDispatcher } from '../api-dispatcher';
import { Handler } from '../request-context';

export function nativeHandler<Req, Resp>(native: ApiDispatcher, api: ApiDef<Req, Resp>): Handler<Req, Resp> {
  const registration = native.lookup(api.key);
  if (!registration) throw new Error(`the native ${api.name} handler must be registered before the Kafka listener's`);
  return registration.handler as Handler<Req, Resp>;
}

/** Runs a handler and awaits its answer, whether it answered synchronously or not. */
export async function callNative<Req, Resp>(handler: Handler<Req, Resp>, request: Req, ctx: Parameters<Handler<Req, Resp>>[1]): Promise<Resp> {
  const response = await handler(request, ctx);
  if (response === null) throw new Error('native handler sent no response where one is required');
  return response;
}
