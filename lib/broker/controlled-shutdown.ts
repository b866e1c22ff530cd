/**
 * The broker's side of a controlled shutdown: ask the current controller to move leadership away
 * before the listener closes, so clients switch leaders instead of timing out. Replicated
 * partitions still led here are retried (a follower may be catching up); partitions with no other
 * replica cannot move, so they are logged and the shutdown proceeds at once.
 */
import { Connection } from '../client/connection';
import { Api } from '../protocol/api';
import { errorForCode } from '../protocol/errors';
import { Logger } from '../util/logger';
import { sleep } from '../util/time';
import { MetadataCache } from './metadata-cache';
import { ClientSecurity } from '../security/client-security';

const ATTEMPTS = 3;
const RETRY_BACKOFF_MS = 500;

export async function requestControlledShutdown(opts: {
  brokerId: number;
  brokerEpoch: number;
  metadata: MetadataCache;
  timeoutMs: number;
  logger: Logger;
  /** The inter-broker listener's security (the controller is reached on it). */
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
