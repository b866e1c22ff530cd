/**
 * InitProducerId: gives an idempotent producer a fresh producer id (epoch 0). Any broker answers.
 * Samsa has no transactions, so a request naming a transactional id is refused with
 * INVALID_REQUEST; the producer id comes from the broker's ProducerIdManager. As in Kafka
 * (KIP-679), an idempotent producer needs IdempotentWrite on the Cluster or Write on some topic.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { InitProducerIdRequestData, InitProducerIdResponseData } from '../../protocol/messages/init-producer-id';
import { Logger } from '../../util/logger';
import { ProducerIdManager } from '../producer-id-manager';
import { AccessControl, authorize, authorizeAnyOfType, authorizeCluster } from '../authorize';
import { Handler } from '../request-context';

function failure(code: number): InitProducerIdResponseData {
  return { throttleTimeMs: 0, errorCode: code, producerId: -1, producerEpoch: -1 };
}

export function initProducerIdHandler(producerIds: ProducerIdManager, logger: Logger, access: AccessControl): Handler<InitProducerIdRequestData, InitProducerIdResponseData> {
  return async (req, ctx) => {
    if (req.transactionalId !== null && !authorize(access, ctx, 'Write', 'TransactionalId', req.transactionalId)) {
      return failure(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
    }
    if (req.transactionalId === null && !authorizeCluster(access, ctx, 'IdempotentWrite', { logIfDenied: false }) && !authorizeAnyOfType(access, ctx, 'Write', 'Topic')) {
      return failure(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
    }
    if (req.transactionalId !== null) {
      logger.info(`Refused InitProducerId with transactional id '${req.transactionalId}' from ${ctx.remoteAddress}: Samsa has no transactions`);
      return failure(ErrorCode.INVALID_REQUEST.code);
    }
    try {
      const producerId = await producerIds.generateProducerId();
      return { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch: 0 };
    } catch (err) {
      if (!(err instanceof SamsaError)) logger.error(`InitProducerId failed: ${(err as Error).stack}`);
      return failure(toErrorCode(err));
    }
  };
}
