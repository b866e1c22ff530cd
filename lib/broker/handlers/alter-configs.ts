/**
 * AlterConfigs (legacy: the given configs replace the resource's) and IncrementalAlterConfigs
 * (SET/DELETE/APPEND/SUBTRACT per key), served by any broker, as Kafka 2.8 in ZooKeeper mode:
 * a topic's config goes to `/config/topics/<t>`, a broker's to `/config/brokers/<id>` or, for the
 * name '', to `/config/brokers/<default>`, each followed by a change notification every broker
 * acts on. A BROKER_LOGGER resource (incremental only) changes this broker's log levels in memory.
 *
 * Each resource is checked whole before anything is written: one bad key refuses the resource
 * with an error naming it, and nothing of that resource is written. validateOnly checks only.
 */
import { isDynamicBrokerKey, dynamicBrokerKeyDef, validateDynamicBrokerConfig } from '../../config/dynamic-broker-keys';
import { applyConfigOps, ConfigOp, ListKeyInfo } from '../../config/config-ops';
import { ConfigKey } from '../../config/config-def';
import { topicConfigDefs, validateTopicConfig, isTopicConfigName } from '../../config/topic-config';
import { isThrottledReplicasKey, throttledReplicasDefs } from '../../config/replication-throttle-config';
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { RESOURCE_TYPE_BROKER, RESOURCE_TYPE_TOPIC } from '../../protocol/messages/admin';
import {
  AlterConfigsRequestData, AlterConfigsResponseData, ConfigOperation, IncrementalAlterConfigsRequestData,
  IncrementalAlterConfigsResponseData, RESOURCE_TYPE_BROKER_LOGGER,
} from '../../protocol/messages/alter-configs';
import { ConfigEntityType, DEFAULT_ENTITY_NAME, EntityConfigStore } from '../../zk/entity-config';
import { authorize, authorizeCluster } from '../authorize';
import { BrokerContext } from '../broker-context';
import { LogLevelControl, normalizeLogLevel, ROOT_LOGGER } from '../log-level-control';
import { Handler, RequestContext } from '../request-context';

/** What the config APIs need besides the request context. */
export interface ConfigAdminDeps {
  readonly store: EntityConfigStore;
  readonly logLevels: LogLevelControl;
  /** Whether the topic exists (in ZooKeeper, not only in this broker's metadata cache). */
  topicExists(topic: string): Promise<boolean>;
}

type ResourceResponse = AlterConfigsResponseData['responses'][number];

function invalidRequest(message: string): SamsaError {
  return new SamsaError(ErrorCode.INVALID_REQUEST, message);
}

function brokerResourceName(name: string): string {
  if (name === '') return DEFAULT_ENTITY_NAME;
  // Kafka's broker ids are non-negative Java ints.
  if (!/^\d+$/.test(name) || Number(name) > 0x7fffffff) throw invalidRequest(`Broker id must be an integer, but it is: ${name}`);
  return String(Number(name));
}

/** APPEND/SUBTRACT: whether the key holds a list (Kafka's cleanup.policy is one, though Samsa takes one value of it). */
function listInfo(def: ConfigKey<unknown> | undefined, name: string): ListKeyInfo | undefined {
  if (def === undefined) return undefined;
  const isList = def.type === 'LIST' || name === 'cleanup.policy' || name === 'log.cleanup.policy';
  const dflt = def.defaultValue;
  return { isList, defaultValue: dflt === null || dflt === undefined ? null : Array.isArray(dflt) ? dflt.join(',') : String(dflt) };
}

function topicKeyInfo(name: string): ListKeyInfo | undefined {
  if (isThrottledReplicasKey(name)) return listInfo(throttledReplicasDefs[name as keyof typeof throttledReplicasDefs] as ConfigKey<unknown>, name);
  return isTopicConfigName(name) ? listInfo(topicConfigDefs[name] as ConfigKey<unknown>, name) : undefined;
}

function brokerKeyInfo(name: string): ListKeyInfo | undefined {
  return isDynamicBrokerKey(name) ? listInfo(dynamicBrokerKeyDef(name), name) : undefined;
}

/** Kafka's ConfigResource.toString, used in its error messages. */
function describeResource(type: number, name: string): string {
  const typeName = type === RESOURCE_TYPE_TOPIC ? 'TOPIC' : type === RESOURCE_TYPE_BROKER ? 'BROKER' : type === RESOURCE_TYPE_BROKER_LOGGER ? 'BROKER_LOGGER' : 'UNKNOWN';
  return `ConfigResource(type=${typeName}, name='${name}')`;
}

export class ConfigAlterer {
  constructor(private readonly ctx: BrokerContext, private readonly deps: ConfigAdminDeps) {}

  /**
   * Checks access and existence, then computes the resource's new config from its current one,
   * validates it, and (unless validateOnly) writes it with a compare-and-set.
   */
  async alter(rc: RequestContext, type: number, name: string, compute: (current: Record<string, string>) => Record<string, string>,
    validateOnly: boolean): Promise<void> {
    let entity: { type: ConfigEntityType; name: string; validate: (config: Record<string, string>) => void };
    if (type === RESOURCE_TYPE_TOPIC) {
      if (!authorize(this.ctx, rc, 'AlterConfigs', 'Topic', name)) throw new SamsaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
      if (!await this.deps.topicExists(name)) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
      entity = { type: 'topics', name, validate: (config) => validateTopicConfig(config) };
    } else if (type === RESOURCE_TYPE_BROKER) {
      if (!authorizeCluster(this.ctx, rc, 'AlterConfigs')) throw new SamsaError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
      entity = { type: 'brokers', name: brokerResourceName(name), validate: validateDynamicBrokerConfig };
    } else {
      throw invalidRequest(`Unsupported resource type ${type} for ${describeResource(type, name)}`);
    }
    const checked = (current: Record<string, string>): Record<string, string> => {
      const next = compute(current);
      entity.validate(next);
      return next;
    };
    if (validateOnly) checked(await this.deps.store.getConfig(entity.type, entity.name));
    else await this.deps.store.updateConfig(entity.type, entity.name, checked);
  }

  /** A BROKER_LOGGER resource: SET or DELETE of logger levels on this broker, in memory (Kafka's Log4jController). */
  alterLoggers(rc: RequestContext, name: string, ops: readonly ConfigOp[], validateOnly: boolean): void {
    if (!authorizeCluster(this.ctx, rc, 'AlterConfigs')) throw new SamsaError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    if (!/^\d+$/.test(name) || Number(name) !== this.ctx.brokerId) {
      throw invalidRequest(`Unexpected broker id, expected ${this.ctx.brokerId}, but received ${name}`);
    }
    const known = new Set(this.deps.logLevels.loggerNames());
    const changes: Array<[string, string | null]> = [];
    for (const op of ops) {
      if (!known.has(op.name)) throw new SamsaError(ErrorCode.INVALID_CONFIG, `Logger ${op.name} does not exist!`);
      if (op.configOperation === ConfigOperation.DELETE) {
        if (op.name === ROOT_LOGGER) throw invalidRequest('Removing the log level of the root logger is not allowed');
        changes.push([op.name, null]);
      } else if (op.configOperation === ConfigOperation.SET) {
        const level = op.value === null ? undefined : normalizeLogLevel(op.value);
        if (level === undefined) {
          throw new SamsaError(ErrorCode.INVALID_CONFIG, `Cannot set the log level of ${op.name} to ${String(op.value)} as it is not a supported log level. Valid log levels are error, warn, info, http, verbose, debug, silly (or TRACE, FATAL)`);
        }
        changes.push([op.name, level]);
      } else {
        const opName = Object.entries(ConfigOperation).find(([, v]) => v === op.configOperation)?.[0] ?? String(op.configOperation);
        throw invalidRequest(`${opName} operation is not allowed for the BROKER_LOGGER resource`);
      }
    }
    if (!validateOnly) for (const [logger, level] of changes) this.deps.logLevels.setLoggerLevel(logger, level);
  }
}

function failure(err: unknown): { errorCode: number; errorMessage: string } {
  const message = err instanceof Error ? err.message.replace(/^[A-Z_]+: /, '') : String(err);
  return { errorCode: toErrorCode(err), errorMessage: message };
}

async function answer(type: number, name: string, work: () => Promise<void> | void): Promise<ResourceResponse> {
  try {
    await work();
    return { errorCode: 0, errorMessage: null, resourceType: type, resourceName: name };
  } catch (err) {
    return { ...failure(err), resourceType: type, resourceName: name };
  }
}

/** Resources named twice in one request are refused, as Kafka does, so no answer depends on their order. */
function duplicates(resources: ReadonlyArray<{ resourceType: number; resourceName: string }>): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of resources) {
    const key = `${r.resourceType}:${r.resourceName}`;
    if (seen.has(key)) dup.add(key);
    seen.add(key);
  }
  return dup;
}

/**
 * Answers each resource in request order, one at a time, refusing a resource named twice in the
 * request before `handle` sees it (Kafka's rule).
 */
async function answerEach<R extends { resourceType: number; resourceName: string }>(resources: readonly R[], handle: (res: R) => Promise<void> | void): Promise<ResourceResponse[]> {
  const dup = duplicates(resources);
  const responses: ResourceResponse[] = [];
  for (const res of resources) {
    responses.push(await answer(res.resourceType, res.resourceName, async () => {
      if (dup.has(`${res.resourceType}:${res.resourceName}`)) throw invalidRequest(`Error due to duplicate config resource ${describeResource(res.resourceType, res.resourceName)}`);
      await handle(res);
    }));
  }
  return responses;
}

export function alterConfigsHandler(ctx: BrokerContext, deps: ConfigAdminDeps): Handler<AlterConfigsRequestData, AlterConfigsResponseData> {
  const alterer = new ConfigAlterer(ctx, deps);
  return async (req, rc) => ({
    throttleTimeMs: 0,
    responses: await answerEach(req.resources, async (res) => {
      if (res.resourceType === RESOURCE_TYPE_BROKER_LOGGER) throw invalidRequest('AlterConfigs is only supported for topics and brokers, but resource type is BROKER_LOGGER');
      const names = res.configs.map((c) => c.name);
      const again = names.find((n, i) => names.indexOf(n) !== i);
      if (again !== undefined) throw invalidRequest(`Error due to duplicate config keys: ${again}`);
      // Replace-all: the stored config becomes exactly the keys given (a null value leaves a key out).
      const replacement: Record<string, string> = {};
      for (const c of res.configs) if (c.value !== null) replacement[c.name] = c.value;
      await alterer.alter(rc, res.resourceType, res.resourceName, () => ({ ...replacement }), req.validateOnly);
    }),
  });
}

export function incrementalAlterConfigsHandler(ctx: BrokerContext, deps: ConfigAdminDeps): Handler<IncrementalAlterConfigsRequestData, IncrementalAlterConfigsResponseData> {
  const alterer = new ConfigAlterer(ctx, deps);
  return async (req, rc) => ({
    throttleTimeMs: 0,
    responses: await answerEach(req.resources, async (res) => {
      if (res.resourceType === RESOURCE_TYPE_BROKER_LOGGER) {
        alterer.alterLoggers(rc, res.resourceName, res.configs, req.validateOnly);
        return;
      }
      const keyInfo = res.resourceType === RESOURCE_TYPE_TOPIC ? topicKeyInfo : brokerKeyInfo;
      await alterer.alter(rc, res.resourceType, res.resourceName, (current) => applyConfigOps(current, res.configs, keyInfo), req.validateOnly);
    }),
  });
}
