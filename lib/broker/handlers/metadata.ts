/**
 * Metadata and ApiVersions. Metadata answers from the cache the controller pushes; asking for an
 * unknown topic creates it when `auto.create.topics.enable` and the client allow it.
 *
 * Brokers are described by their endpoint on the listener the request came in on (Kafka's rule):
 * a broker lacking that listener is left out of the broker list, and a partition it leads shows
 * LEADER_NOT_AVAILABLE, so clients never get an address from another network.
 */
import { validateTopicName } from '../../config/topic-config';
import { ErrorCode, SamsaError } from '../../protocol/errors';
import {
  ApiVersionsResponseData, MetadataRequestData, MetadataResponseData, MetadataTopicData,
} from '../../protocol/messages/metadata';
import { ApiDispatcher } from '../api-dispatcher';
import { authorize, authorizeCluster, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler, RequestContext } from '../request-context';

export function apiVersionsHandler(dispatcher: ApiDispatcher): Handler<Record<string, never>, ApiVersionsResponseData> {
  return () => ({ errorCode: 0, apiKeys: dispatcher.supported(), throttleTimeMs: 0 });
}

export function metadataHandler(ctx: BrokerContext): Handler<MetadataRequestData, MetadataResponseData> {
  return async (req, rc) => {
    const allTopics = req.topics === null;
    const asked = req.topics ?? ctx.metadata.topicNames();
    // Kafka: listing every topic silently leaves out those the principal may not Describe; a
    // topic asked for by name gets TOPIC_AUTHORIZATION_FAILED, whether it exists or not.
    const describable = authorizedNames(ctx, rc, 'Describe', 'Topic', asked, { logIfDenied: !allTopics });
    const names = allTopics ? asked.filter((name) => describable.has(name)) : asked;
    const autoCreate = req.allowAutoTopicCreation && !allTopics && ctx.config.autoCreateTopicsEnable;
    const topics = await Promise.all(names.map((name) => {
      if (!describable.has(name)) return emptyTopic(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
      if (autoCreate && !ctx.metadata.partitions(name) && !mayCreate(ctx, rc, name)) return emptyTopic(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
      return describeTopic(ctx, name, autoCreate, rc.listenerName);
    }));
    return {
      brokers: ctx.metadata.liveBrokers(rc.listenerName).map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: b.rack })),
      clusterId: ctx.metadata.clusterId,
      controllerId: ctx.metadata.controllerId,
      topics,
    };
  };
}

/** Kafka: auto-creation needs Create on the Cluster or on the topic. */
function mayCreate(ctx: BrokerContext, rc: RequestContext, name: string): boolean {
  return authorizeCluster(ctx, rc, 'Create', { logIfDenied: false }) || authorize(ctx, rc, 'Create', 'Topic', name);
}

function emptyTopic(name: string, errorCode: number): MetadataTopicData {
  return { errorCode, name, isInternal: false, partitions: [] };
}

async function describeTopic(ctx: BrokerContext, name: string, mayCreate: boolean, listenerName: string): Promise<MetadataTopicData> {
  const states = ctx.metadata.partitions(name);
  if (!states) {
    try {
      validateTopicName(name);
    } catch {
      return emptyTopic(name, ErrorCode.INVALID_TOPIC_EXCEPTION.code);
    }
    if (!mayCreate || !ctx.config.autoCreateTopicsEnable) return emptyTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
    try {
      await ctx.topicAdmin.autoCreateTopic(name);
    } catch (err) {
      if (!(err instanceof SamsaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS.code)) {
        ctx.logger.warn(`Auto-creating topic ${name} failed: ${(err as Error).message}`);
        return emptyTopic(name, err instanceof SamsaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR.code);
      }
    }
    return emptyTopic(name, ErrorCode.LEADER_NOT_AVAILABLE.code);
  }
  return {
    errorCode: 0,
    name,
    isInternal: ctx.metadata.isInternal(name),
    partitions: states.map((s) => {
      const offlineReplicas = s.replicas.filter((id) => !ctx.metadata.isLive(id));
      const leaderLive = s.leader >= 0 && ctx.metadata.broker(s.leader, listenerName) !== undefined;
      return {
        errorCode: leaderLive ? 0 : ErrorCode.LEADER_NOT_AVAILABLE.code,
        partitionIndex: s.partitionIndex,
        leaderId: leaderLive ? s.leader : -1,
        leaderEpoch: s.leaderEpoch,
        replicaNodes: s.replicas,
        isrNodes: s.isr,
        offlineReplicas,
      };
    }),
  };
}
