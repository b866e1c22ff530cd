/**
 * Where client quotas meet requests (Kafka's KafkaApis.sendResponseMaybeThrottle and the quota
 * calls in handleProduceRequest / handleFetchRequest), for both listeners alike:
 *
 * - Produce records the request's size on the producer byte rate (nothing for acks=0 on the
 *   request quota, as Kafka);
 * - a consumer's Fetch records the response's size on the consumer byte rate; when throttled it
 *   is answered empty (Kafka's getThrottledResponse) and the bytes are taken back, since the
 *   client will fetch them again;
 * - every request but the exempt ones records its handler time on request_percentage (percent of
 *   one request handler over the window, Kafka's nanosToPercentage).
 *
 * The largest throttle goes into the response's throttleTimeMs (every Kafka response that has
 * the field, and the native Produce/Fetch responses) and the connection is muted for it.
 */
import { CONSUMER_REPLICA_ID } from '../protocol/messages/produce-fetch';
import { Api } from '../protocol/api';
import { ClientQuotas } from './client-quotas';
import { AnsweredRequest, RequestThrottler } from './client-connection';

/**
 * Exempt from the request quota (Kafka sends these with sendResponseExemptThrottle or serves them
 * before authentication): the controller's requests, the SASL exchange and ApiVersions.
 */
const REQUEST_QUOTA_EXEMPT: ReadonlySet<number> = new Set([
  Api.LeaderAndIsr.key, Api.StopReplica.key, Api.UpdateMetadata.key, Api.ControlledShutdown.key,
  Api.SaslHandshake.key, Api.SaslAuthenticate.key, Api.ApiVersions.key,
]);

function frameBytes(frame: Buffer[]): number {
  let n = 0;
  for (const b of frame) n += b.length;
  return n;
}

/** The response with throttleTimeMs raised to `throttleMs`, when its schema has the field. */
function withThrottleTime(response: unknown, throttleMs: number): unknown {
  if (throttleMs <= 0 || typeof response !== 'object' || response === null || !('throttleTimeMs' in response)) return response;
  const current = (response as { throttleTimeMs: unknown }).throttleTimeMs;
  return { ...response, throttleTimeMs: typeof current === 'number' ? Math.max(current, throttleMs) : throttleMs };
}

function isFollowerFetch(body: unknown): boolean {
  const replicaId = (body as { replicaId?: unknown } | null)?.replicaId;
  return typeof replicaId === 'number' && replicaId !== CONSUMER_REPLICA_ID && replicaId >= 0;
}

export class QuotaThrottler implements RequestThrottler {
  /** @param followersExempt false on the Kafka listener, where a replica id is a client's claim (brokers replicate over the native one). */
  constructor(private readonly quotas: ClientQuotas, private readonly now: () => number = Date.now, private readonly followersExempt = true) {}

  /** The same quotas for a Kafka listener: every Fetch there is a consumer's. */
  forKafkaListener(): QuotaThrottler {
    return new QuotaThrottler(this.quotas, this.now, false);
  }

  answered(request: AnsweredRequest, response: unknown | null, encode: (response: unknown) => Buffer[]): { frame: Buffer[] | null; throttleMs: number } {
    const { apiKey } = request.header;
    const user = request.session.principal.name;
    const clientId = request.header.clientId ?? '';
    const nowMs = this.now();
    // A follower's fetch is replication traffic: replication quotas, not client quotas (replication-quotas.ts).
    if (apiKey === Api.Fetch.key && this.followersExempt && isFollowerFetch(request.body)) return { frame: response === null ? null : encode(response), throttleMs: 0 };
    const requestThrottle = (): number => {
      if (REQUEST_QUOTA_EXEMPT.has(apiKey) || response === null) return 0;
      return this.quotas.request.recordAndGetThrottleTimeMs(user, clientId, request.handlerMs / 10, nowMs);
    };
    if (apiKey === Api.Fetch.key && this.quotas.fetch.enabled && response !== null) {
      const frame = encode(response);
      const bytes = frameBytes(frame);
      const throttleMs = Math.max(this.quotas.fetch.recordAndGetThrottleTimeMs(user, clientId, bytes, nowMs), requestThrottle());
      if (throttleMs === 0) return { frame, throttleMs };
      this.quotas.fetch.unrecord(user, clientId, bytes, nowMs);
      return { frame: encode({ ...withThrottleTime(response, throttleMs) as object, topics: [] }), throttleMs };
    }
    const bandwidth = apiKey === Api.Produce.key ? this.quotas.produce.recordAndGetThrottleTimeMs(user, clientId, request.requestBytes, nowMs) : 0;
    const throttleMs = Math.max(bandwidth, requestThrottle());
    return { frame: response === null ? null : encode(withThrottleTime(response, throttleMs)), throttleMs };
  }
}
