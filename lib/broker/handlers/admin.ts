/**
 * CreateTopics, DeleteTopics, CreatePartitions and DescribeConfigs, served by any broker.
 *
 * The answers carry, besides the native fields, what Kafka's later versions report (each config's
 * source, synonyms, type and documentation; a created topic's configs). The native encoder skips
 * those fields; the Kafka listener's adapters (lib/broker/kafka/admin-handlers.ts) encode them.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import {
  CreatePartitionsRequestData, CreatePartitionsResponseData, CreateTopicsRequestData, CreateTopicsResponseData,
  DeleteTopicsRequestData, DeleteTopicsResponseData, DescribeConfigsRequestData, DescribeConfigsResponseData,
  RESOURCE_TYPE_BROKER, RESOURCE_TYPE_TOPIC,
} from '../../protocol/messages/admin';
import { BrokerContext } from '../broker-context';
import { brokerConfigEntries, ConfigEntry, DescribeOptions, topicConfigEntries } from '../config-entries';
import { Handler } from '../request-context';

/** A created topic's configs, as CreateTopics v5+ reports them. */
export type CreatedTopicConfig = Pick<ConfigEntry, 'name' | 'value' | 'readOnly' | 'configSource' | 'isSensitive'>;

export type CreateTopicsAnswer = Omit<CreateTopicsResponseData, 'topics'> & {
  topics: Array<CreateTopicsResponseData['topics'][number] & { configs: CreatedTopicConfig[] }>;
};

export function createTopicsHandler(ctx: BrokerContext): Handler<CreateTopicsRequestData, CreateTopicsAnswer> {
  return async (req) => {
    const results = await ctx.topicAdmin.createTopics(req);
    return {
      throttleTimeMs: 0,
      topics: results.map((result) => {
        const topic = req.topics.find((t) => t.name === result.name);
        if (result.errorCode !== 0 || !topic) return { ...result, configs: [] };
        const overrides: Record<string, string> = {};
        for (const c of topic.configs) if (c.value !== null) overrides[c.name] = c.value;
        const configs = topicConfigEntries(ctx.config, overrides, { includeSynonyms: false, includeDocumentation: false })
          .map(({ name, value, readOnly, configSource, isSensitive }) => ({ name, value, readOnly, configSource, isSensitive }));
        return { ...result, configs };
      }),
    };
  };
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

type DescribeResult = DescribeConfigsResponseData['results'][number];

/** The native request plus Kafka's v1+/v3+ flags (absent from native requests: both false). */
export type DescribeConfigsQuery = DescribeConfigsRequestData & Partial<DescribeOptions>;

export type DescribeConfigsAnswer = Omit<DescribeConfigsResponseData, 'results'> & {
  results: Array<Omit<DescribeResult, 'configs'> & { configs: ConfigEntry[] }>;
};

/**
 * Topic resources list every topic key (overrides first, the rest with the broker's value);
 * broker resources, this broker's keys. As in Kafka, a broker resource must name this broker, or
 * be '' for the cluster-wide dynamic defaults (Samsa has none, so the list is empty).
 */
export function describeConfigsHandler(ctx: BrokerContext): Handler<DescribeConfigsQuery, DescribeConfigsAnswer> {
  return async (req) => {
    const options = { includeSynonyms: req.includeSynonyms ?? false, includeDocumentation: req.includeDocumentation ?? false };
    return {
      throttleTimeMs: 0,
      results: await Promise.all(req.resources.map(async (res) => {
        const base = { resourceType: res.resourceType, resourceName: res.resourceName };
        try {
          const all = await describeResource(ctx, res.resourceType, res.resourceName, options);
          const keys = res.configurationKeys;
          return { ...base, errorCode: 0, errorMessage: null, configs: all.filter(({ name }) => keys === null || keys.includes(name)) };
        } catch (err) {
          const message = err instanceof SamsaError ? err.message.replace(/^[A-Z_]+: /, '') : (err as Error).message;
          return { ...base, errorCode: toErrorCode(err), errorMessage: message, configs: [] };
        }
      })),
    };
  };
}

async function describeResource(ctx: BrokerContext, type: number, name: string, options: DescribeOptions): Promise<ConfigEntry[]> {
  if (type === RESOURCE_TYPE_TOPIC) {
    if (!ctx.metadata.hasTopic(name)) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    return topicConfigEntries(ctx.config, await ctx.topicAdmin.topicConfig(name), options);
  }
  if (type === RESOURCE_TYPE_BROKER) {
    if (name === '') return [];
    if (!/^-?\d+$/.test(name)) throw new SamsaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
    if (Number(name) !== ctx.config.brokerId) {
      throw new SamsaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.config.brokerId} or empty string, but received ${name}`);
    }
    return brokerConfigEntries(ctx.config, options);
  }
  throw new SamsaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${type}`);
}
