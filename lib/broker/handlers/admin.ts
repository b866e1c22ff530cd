/** CreateTopics, DeleteTopics, CreatePartitions and DescribeConfigs, served by any broker. */
import { ErrorCode, toErrorCode } from '../../protocol/errors';
import {
  CreatePartitionsRequestData, CreatePartitionsResponseData, CreateTopicsRequestData, CreateTopicsResponseData,
  DeleteTopicsRequestData, DeleteTopicsResponseData, DescribeConfigsRequestData, DescribeConfigsResponseData,
  RESOURCE_TYPE_TOPIC,
} from '../../protocol/messages/admin';
import { topicConfigDefaults } from '../../config/topic-config';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

export function createTopicsHandler(ctx: BrokerContext): Handler<CreateTopicsRequestData, CreateTopicsResponseData> {
  return async (req) => ({ throttleTimeMs: 0, topics: await ctx.topicAdmin.createTopics(req) });
}

export function deleteTopicsHandler(ctx: BrokerContext): Handler<DeleteTopicsRequestData, DeleteTopicsResponseData> {
  return async (req) => ({ throttleTimeMs: 0, responses: await ctx.topicAdmin.deleteTopics(req.topicNames, req.timeoutMs) });
}

export function createPartitionsHandler(ctx: BrokerContext): Handler<CreatePartitionsRequestData, CreatePartitionsResponseData> {
  return async (req) => ({
    throttleTimeMs: 0,
    results: await Promise.all(req.topics.map((t) => ctx.topicAdmin.createPartitions(
      t.name, t.count, t.assignments?.map((a) => a.brokerIds) ?? null, req.validateOnly, req.timeoutMs))),
  });
}

/** Topic resources answer with the topic's overrides (what `samsa-topics --describe` prints as Configs). */
export function describeConfigsHandler(ctx: BrokerContext): Handler<DescribeConfigsRequestData, DescribeConfigsResponseData> {
  return async (req) => ({
    throttleTimeMs: 0,
    results: await Promise.all(req.resources.map(async (res) => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      if (res.resourceType !== RESOURCE_TYPE_TOPIC) {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST.code, errorMessage: `Unsupported resource type ${res.resourceType}`, configs: [] };
      }
      if (!ctx.metadata.hasTopic(res.resourceName)) {
        return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, errorMessage: `Topic '${res.resourceName}' does not exist.`, configs: [] };
      }
      try {
        const overrides = await ctx.topicAdmin.topicConfig(res.resourceName);
        const keys = res.configurationKeys;
        // Like Kafka, every topic key is listed: overrides as set, the rest with the broker's default.
        const defaults = Object.entries(topicConfigDefaults(ctx.config))
          .filter(([name]) => !(name in overrides))
          .map(([name, value]) => ({ name, value, readOnly: false, isDefault: true }));
        const configs = [...Object.entries(overrides).map(([name, value]) => ({ name, value, readOnly: false, isDefault: false })), ...defaults]
          .filter(({ name }) => keys === null || keys.includes(name));
        return { ...base, errorCode: 0, errorMessage: null, configs };
      } catch (err) {
        return { ...base, errorCode: toErrorCode(err), errorMessage: (err as Error).message, configs: [] };
      }
    })),
  });
}
