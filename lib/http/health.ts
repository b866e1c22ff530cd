/**
 * `/health` and `/ready`: liveness and readiness as orchestrators probe them.
 *
 * Healthy means the process answers. Ready means clients would be served: the broker holds a
 * ZooKeeper registration and the controller's metadata listed it (the startup gate is open). A
 * broker restarted after a crash answers 503 while it waits for its old session to expire, so a
 * load balancer or `HEALTHCHECK` keeps traffic away until it can really serve.
 */
import { HttpResponse } from './http-server';

export interface ReadinessSource {
  /** Null when ready, else a short reason for the operator. */
  notReadyReason(): string | null;
}

export function healthRoute(): HttpResponse {
  return json(200, { status: 'UP' });
}

export function readyRoute(source: ReadinessSource): HttpResponse {
  const reason = source.notReadyReason();
  return reason === null ? json(200, { status: 'READY' }) : json(503, { status: 'NOT_READY', reason });
}

function json(status: number, body: object): HttpResponse {
  return { status, contentType: 'application/json', body: `${JSON.stringify(body)}\n` };
}
