/**
 * The broker's side of a controlled shutdown: ask the current controller to move leadership away
 * before the listener closes, so clients switch leaders instead of timing out. Partitions with no
 * other in-sync replica cannot move; they are logged and the shutdown proceeds.
 */
import { Connection } from '../client/connection';
import { Api } from '../protocol/api';
import { errorForCode } from '../protocol/errors';
import { Logger } from '../util/logger';
import { MetadataCache } from './metadata-cache';

const ATTEMPTS = 3;
const RETRY_BACKOFF_MS = 500;

export async function requestControlledShutdown(opts: {
  brokerId: number;
  brokerEpoch: number;
  metadata: MetadataCache;
  timeoutMs: number;
  logger: Logger;
}): Promise<boolean> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const controller = opts.metadata.broker(opts.metadata.controllerId);
    if (!controller) {
      opts.logger.warn(`Controlled shutdown attempt ${attempt}: no known controller`);
    } else {
      const conn = new Connection({ host: controller.host, port: controller.port, clientId: `broker-${opts.brokerId}-shutdown`, requestTimeoutMs: opts.timeoutMs });
      try {
        const res = await conn.send(Api.ControlledShutdown, { brokerId: opts.brokerId, brokerEpoch: opts.brokerEpoch });
        if (res.errorCode === 0) {
          if (res.remainingPartitions.length > 0) {
            const names = res.remainingPartitions.map((p) => `${p.topicName}-${p.partitionIndex}`);
            opts.logger.info(`Controlled shutdown: ${names.length} partition(s) have no other in-sync replica and stay offline until restart: ${names.slice(0, 20).join(', ')}`);
          } else {
            opts.logger.info('Controlled shutdown: leadership moved to other brokers');
          }
          return true;
        }
        opts.logger.warn(`Controlled shutdown attempt ${attempt} failed: ${errorForCode(res.errorCode).name}`);
      } catch (err) {
        opts.logger.warn(`Controlled shutdown attempt ${attempt} failed: ${(err as Error).message}`);
      } finally {
        conn.close();
      }
    }
    await new Promise((r) => setTimeout(r, RETRY_BACKOFF_MS));
  }
  return false;
}
