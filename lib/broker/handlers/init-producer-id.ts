/**
 * InitProducerId: without a transactional id any broker gives an idempotent producer a fresh
 * producer id (epoch 0) from its ProducerIdManager; as in Kafka (KIP-679) that needs
 * IdempotentWrite on the Cluster or Write on some topic. With a transactional id the request
 * goes to that id's transaction coordinator (lib/transaction/), which bumps the epoch and fences
 * the previous producer; that needs Write on the transactional id.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { InitProducerIdRequestData, InitProducerIdResponseData } from '../../protocol/messages/init-producer-id';
import type { TxnCoordinator } from '../../transaction/txn-coordinator';
import { Logger } from '../../util/logger';
import { ProducerIdManager } from '../producer-id-manager';
import { AccessControl, authorize, authorizeAnyOfType, authorizeCluster } from '../authorize';
import { Handler } from '../request-context';

function failure(code: number): InitProducerIdResponseData {
  return { throttleTimeMs: 0, errorCode: code, producerId: -1, producerEpoch: -1 };
}

/** The access checks plus where transactional requests go (the broker context provides both). */
export interface InitProducerIdServices extends AccessControl {
  readonly transactions?: TxnCoordinator;
}

export function initProducerIdHandler(producerIds: ProducerIdManager, logger: Logger, services: InitProducerIdServices): Handler<InitProducerIdRequestData, InitProducerIdResponseData> {
  return async (req, ctx) => {
    if (req.transactionalId !== null) {
      if (!authorize(services, ctx, 'Write', 'TransactionalId', req.transactionalId)) return failure(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
      if (!services.transactions) return failure(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
      const result = await services.transactions.ops.initProducerId(req.transactionalId, req.transactionTimeoutMs);
      return { throttleTimeMs: 0, ...result };
    }
    if (!authorizeCluster(services, ctx, 'IdempotentWrite', { logIfDenied: false }) && !authorizeAnyOfType(services, ctx, 'Write', 'Topic')) {
      return failure(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
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
