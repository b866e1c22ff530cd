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
import { authorize, authorizeCluster, authorizedNames } from '../authorize';
import { BrokerContext } from '../broker-context';
import {
  brokerConfigEntries, clusterDefaultConfigEntries, ConfigEntry, DescribeOptions, DynamicConfigView, loggerConfigEntries, topicConfigEntries,
} from '../config-entries';
import { RESOURCE_TYPE_BROKER_LOGGER } from '../../protocol/messages/alter-configs';
import { LogLevelControl } from '../log-level-control';
import { Handler, RequestContext } from '../request-context';

/** A created topic's configs, as CreateTopics v5+ reports them. */
export type CreatedTopicConfig = Pick<ConfigEntry, 'name' | 'value' | 'readOnly' | 'configSource' | 'isSensitive'>;

export type CreateTopicsAnswer = Omit<CreateTopicsResponseData, 'topics'> & {
  /** topicConfigErrorCode: TOPIC_AUTHORIZATION_FAILED when the principal may not DescribeConfigs the topic (its configs are then left out, as Kafka does). */
  topics: Array<CreateTopicsResponseData['topics'][number] & { configs: CreatedTopicConfig[]; topicConfigErrorCode?: number }>;
};

export function createTopicsHandler(ctx: BrokerContext): Handler<CreateTopicsRequestData, CreateTopicsAnswer> {
  return async (req, rc) => {
    // Kafka: Create on the Cluster covers every topic; without it, Create on each topic.
    const creatable = authorizeCluster(ctx, rc, 'Create', { logIfDenied: false })
      ? new Set(req.topics.map((t) => t.name)) : authorizedNames(ctx, rc, 'Create', 'Topic', req.topics.map((t) => t.name));
    const created = await ctx.topicAdmin.createTopics({ ...req, topics: req.topics.filter((t) => creatable.has(t.name)) });
    const describable = authorizedNames(ctx, rc, 'DescribeConfigs', 'Topic', req.topics.map((t) => t.name), { logIfDenied: false });
    let next = 0;
    const results = req.topics.map((t) => (creatable.has(t.name)
      ? created[next++]
      : { name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: 'Authorization failed.', numPartitions: -1, replicationFactor: -1 }));
    return {
      throttleTimeMs: 0,
      topics: results.map((result) => {
        const topic = req.topics.find((t) => t.name === result.name);
        if (!describable.has(result.name)) return { ...result, configs: [], topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED.code };
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
  return async (req, rc) => {
    // Kafka: Delete on the topic; without it TOPIC_AUTHORIZATION_FAILED, whether the topic exists or not.
    const deletable = authorizedNames(ctx, rc, 'Delete', 'Topic', req.topicNames);
    const deleted = await ctx.topicAdmin.deleteTopics(req.topicNames.filter((n) => deletable.has(n)), req.timeoutMs);
    let next = 0;
    return {
      throttleTimeMs: 0,
      responses: req.topicNames.map((name) => (deletable.has(name)
        ? deleted[next++] : { name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: null })),
    };
  };
}

export function createPartitionsHandler(ctx: BrokerContext): Handler<CreatePartitionsRequestData, CreatePartitionsResponseData> {
  return async (req, rc) => {
    // Kafka: Alter on the topic.
    const alterable = authorizedNames(ctx, rc, 'Alter', 'Topic', req.topics.map((t) => t.name));
    return {
      throttleTimeMs: 0,
      results: await Promise.all(req.topics.map((t) => (alterable.has(t.name)
        ? ctx.topicAdmin.createPartitions(t.name, t.count, t.assignments?.map((a) => a.brokerIds) ?? null, req.validateOnly, req.timeoutMs)
        : { name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: 'The topic authorization is failed.' }))),
    };
  };
}

type DescribeResult = DescribeConfigsResponseData['results'][number];

/** The native request plus Kafka's v1+/v3+ flags (absent from native requests: both false). */
export type DescribeConfigsQuery = DescribeConfigsRequestData & Partial<DescribeOptions>;

export type DescribeConfigsAnswer = Omit<DescribeConfigsResponseData, 'results'> & {
  results: Array<Omit<DescribeResult, 'configs'> & { configs: ConfigEntry[] }>;
};

/** What DescribeConfigs reads besides the live config: where each broker value comes from, and the log levels. */
export type DescribeConfigsSources = DynamicConfigView & { readonly logLevels: LogLevelControl };

/**
 * Topic resources list every topic key (overrides first, the rest with the broker's value);
 * broker resources, this broker's keys; BROKER_LOGGER resources, this broker's loggers. As in
 * Kafka, a broker or logger resource must name this broker, or (broker) be '' for the cluster-wide
 * dynamic defaults, which lists only the keys set there.
 */
export function describeConfigsHandler(ctx: BrokerContext, sources: DescribeConfigsSources): Handler<DescribeConfigsQuery, DescribeConfigsAnswer> {
  return async (req, rc) => {
    const options = { includeSynonyms: req.includeSynonyms ?? false, includeDocumentation: req.includeDocumentation ?? false };
    return {
      throttleTimeMs: 0,
      results: await Promise.all(req.resources.map(async (res) => {
        const base = { resourceType: res.resourceType, resourceName: res.resourceName };
        try {
          mayDescribeConfigs(ctx, rc, res.resourceType, res.resourceName);
          const all = await describeResource(ctx, sources, res.resourceType, res.resourceName, options);
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

/** Kafka: DescribeConfigs on the topic, or on the Cluster for a broker resource. */
function mayDescribeConfigs(ctx: BrokerContext, rc: RequestContext, type: number, name: string): void {
  if (type === RESOURCE_TYPE_TOPIC && !authorize(ctx, rc, 'DescribeConfigs', 'Topic', name)) {
    throw new SamsaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
  }
  if ((type === RESOURCE_TYPE_BROKER || type === RESOURCE_TYPE_BROKER_LOGGER) && !authorizeCluster(ctx, rc, 'DescribeConfigs')) {
    throw new SamsaError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  }
}

async function describeResource(ctx: BrokerContext, sources: DescribeConfigsSources, type: number, name: string,
  options: DescribeOptions): Promise<ConfigEntry[]> {
  if (type === RESOURCE_TYPE_TOPIC) {
    if (!ctx.metadata.hasTopic(name)) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    return topicConfigEntries(ctx.config, await ctx.topicAdmin.topicConfig(name), options, sources);
  }
  if (type === RESOURCE_TYPE_BROKER || type === RESOURCE_TYPE_BROKER_LOGGER) {
    if (name === '' && type === RESOURCE_TYPE_BROKER) return clusterDefaultConfigEntries(sources, options);
    if (!/^-?\d+$/.test(name)) throw new SamsaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
    if (Number(name) !== ctx.config.brokerId) {
      throw new SamsaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.config.brokerId} or empty string, but received ${name}`);
    }
    return type === RESOURCE_TYPE_BROKER ? brokerConfigEntries(ctx.config, options, sources) : loggerConfigEntries(sources.logLevels.effectiveLevels(), options);
  }
  throw new SamsaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${type}`);
}
