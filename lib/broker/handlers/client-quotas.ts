/**
 * DescribeClientQuotas (48) and AlterClientQuotas (49), served by any broker: Kafka 2.8 answers
 * them on whichever broker gets them, reading and writing ZooKeeper (AdminManager); the change
 * notification the write leaves makes every broker apply the new quotas.
 *
 * Authorization as Kafka's KafkaApis: DescribeConfigs on the Cluster to describe, AlterConfigs on
 * the Cluster to alter, else CLUSTER_AUTHORIZATION_FAILED (for the request, resp. every entry).
 */
import { ErrorCode, errorForCode, SamsaError, toErrorCode } from '../../protocol/errors';
import type {
  AlterClientQuotasRequestData, AlterClientQuotasResponseData, DescribeClientQuotasRequestData, DescribeClientQuotasResponseData,
} from '../../protocol/messages/client-quotas';
import { Logger } from '../../util/logger';
import { authorizeCluster, AccessControl } from '../authorize';
import { parseQuotaEntity, quotaEntityComponents } from '../client-quota-config';
import { ClientQuotaStore } from '../client-quota-store';
import { Handler } from '../request-context';

export interface ClientQuotaHandlers {
  describe: Handler<DescribeClientQuotasRequestData, DescribeClientQuotasResponseData>;
  alter: Handler<AlterClientQuotasRequestData, AlterClientQuotasResponseData>;
}

function errorMessage(err: unknown): string {
  if (err instanceof SamsaError) return err.message.slice(err.errorName.length + 2) || errorForCode(err.code).message;
  return (err as Error)?.message ?? String(err);
}

/** `store` is looked up per request: it exists once the broker has connected to ZooKeeper. */
export function clientQuotaHandlers(store: () => ClientQuotaStore, access: AccessControl, logger: Logger): ClientQuotaHandlers {
  return {
    async describe(req, rc) {
      if (!authorizeCluster(access, rc, 'DescribeConfigs')) return describeErrorResponse(req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
      try {
        const found = await store().describe(req.components, req.strict);
        return {
          throttleTimeMs: 0, errorCode: 0, errorMessage: null,
          entries: found.map(({ entity, values }) => ({
            entity: quotaEntityComponents(entity),
            values: [...values].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value })),
          })),
        };
      } catch (err) {
        if (!(err instanceof SamsaError)) logger.error(`DescribeClientQuotas failed: ${(err as Error)?.stack ?? String(err)}`);
        return { throttleTimeMs: 0, errorCode: toErrorCode(err), errorMessage: errorMessage(err), entries: null };
      }
    },
    async alter(req, rc) {
      if (!authorizeCluster(access, rc, 'AlterConfigs')) return alterErrorResponse(req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
      const entries: AlterClientQuotasResponseData['entries'] = [];
      for (const entry of req.entries) {
        try {
          await store().alter(parseQuotaEntity(entry.entity), entry.ops, req.validateOnly);
          entries.push({ errorCode: 0, errorMessage: null, entity: entry.entity });
        } catch (err) {
          if (!(err instanceof SamsaError)) logger.error(`AlterClientQuotas failed: ${(err as Error)?.stack ?? String(err)}`);
          else logger.info(`AlterClientQuotas refused for ${JSON.stringify(entry.entity)}: ${err.message}`);
          entries.push({ errorCode: toErrorCode(err), errorMessage: errorMessage(err), entity: entry.entity });
        }
      }
      return { throttleTimeMs: 0, entries };
    },
  };
}

/** Kafka's DescribeClientQuotasRequest.getErrorResponse. */
export function describeErrorResponse(_req: DescribeClientQuotasRequestData, errorCode: number): DescribeClientQuotasResponseData {
  return { throttleTimeMs: 0, errorCode, errorMessage: errorForCode(errorCode).message, entries: null };
}

/** Kafka's AlterClientQuotasRequest.getErrorResponse: the error for every entry. */
export function alterErrorResponse(req: AlterClientQuotasRequestData, errorCode: number): AlterClientQuotasResponseData {
  return { throttleTimeMs: 0, entries: req.entries.map((e) => ({ errorCode, errorMessage: errorForCode(errorCode).message, entity: e.entity })) };
}
