/**
 * The broker's side of a controlled shutdown: ask the current controller to move leadership away
 * before the listener closes, so clients switch leaders instead of timing out. Replicated
 * partitions still led here are retried (a follower may be catching up); partitions with no other
 * replica cannot move, so they are logged and the shutdown proceeds at once.
 */
import { Connection } from '../client/connection';
import { ClientSecurity } from '../security/client-security';
import { Api } from '../protocol/api';
import { errorForCode } from '../protocol/errors';
import { Logger } from '../util/logger';
import { sleep } from '../util/time';
import { MetadataCache } from './metadata-cache';

const ATTEMPTS = 3;
const RETRY_BACKOFF_MS = 500;
/** A dead controller must not hold a stopping broker for request.timeout.ms three times over. */
const ATTEMPT_TIMEOUT_MAX_MS = 10000;

/** How long one ControlledShutdown request may wait for the controller. */
export function controlledShutdownAttemptTimeoutMs(requestTimeoutMs: number): number {
  return Math.min(requestTimeoutMs, ATTEMPT_TIMEOUT_MAX_MS);
}

/** The longest a controlled shutdown takes (every attempt timing out): what a supervisor's stop grace period must exceed. */
export function controlledShutdownMaxMs(requestTimeoutMs: number): number {
  return ATTEMPTS * (controlledShutdownAttemptTimeoutMs(requestTimeoutMs) + RETRY_BACKOFF_MS);
}

export async function requestControlledShutdown(opts: {
  brokerId: number;
  brokerEpoch: number;
  metadata: MetadataCache;
  timeoutMs: number;
  logger: Logger;
  /** TLS/SASL of the inter-broker listener; PLAINTEXT when absent. */
  security?: ClientSecurity;
}): Promise<boolean> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const controller = opts.metadata.broker(opts.metadata.controllerId);
    if (!controller) {
      opts.logger.warn(`Controlled shutdown attempt ${attempt}: no known controller`);
    } else {
      const conn = new Connection({ host: controller.host, port: controller.port, clientId: `broker-${opts.brokerId}-shutdown`, requestTimeoutMs: opts.timeoutMs, security: opts.security });
      try {
        const res = await conn.send(Api.ControlledShutdown, { brokerId: opts.brokerId, brokerEpoch: opts.brokerEpoch });
        // A replicated partition may still move once a follower catches up: retry, as Kafka does.
        const movable = res.remainingPartitions.filter((p) => (opts.metadata.partition(p.topicName, p.partitionIndex)?.replicas.length ?? 1) > 1);
        if (res.errorCode === 0 && movable.length > 0 && attempt < ATTEMPTS) {
          opts.logger.info(`Controlled shutdown attempt ${attempt}: ${movable.length} replicated partition(s) still led here; retrying`);
        } else if (res.errorCode === 0) {
          if (res.remainingPartitions.length > 0) {
            const names = res.remainingPartitions.map((p) => `${p.topicName}-${p.partitionIndex}`);
            opts.logger.info(`Controlled shutdown: ${names.length} partition(s) have no other in-sync replica and stay offline until restart: ${names.slice(0, 20).join(', ')}`);
          } else {
            opts.logger.info('Controlled shutdown: leadership moved to other brokers');
          }
          return true;
        } else {
          opts.logger.warn(`Controlled shutdown attempt ${attempt} failed: ${errorForCode(res.errorCode).name}`);
        }
      } catch (err) {
        opts.logger.warn(`Controlled shutdown attempt ${attempt} failed: ${(err as Error).message}`);
      } finally {
        conn.close();
      }
    }
    await sleep(RETRY_BACKOFF_MS);
  }
  return false;
}
