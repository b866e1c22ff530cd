/**
 * Command line of `samsa-mirror-maker`: Kafka MirrorMaker 1's flags (--consumer.config,
 * --producer.config, --include or the deprecated --whitelist, --num.streams,
 * --offset.commit.interval.ms, --abort.on.send.failure) plus MirrorMaker 2's settings in
 * `--mm2.config <file>` / `--mm2-property key=value`, --progress-interval and --metrics-port.
 * Everything is validated here, so a bad flag or config value is one clear line before any
 * connection is made.
 */
import type { ClientOptions } from '../client/client-options';
import type { ConsumerOptions } from '../client/consumer';
import { consumerOptionsFromProperties } from '../client/consumer-options';
import type { ProducerOptions } from '../client/producer';
import { producerOptionsFromProperties } from '../client/producer-options';
import { mergeProperties, parseOverrides, propertiesToRecord, readPropertiesFile } from '../config/properties';
import { MirrorConfig, parseMirrorConfig } from '../mirror/mirror-config';
import {
  CliIo, ToolArgs, UsageError, clientOptionsFromProperties, collect, errorMessage, integerArg, loadClientProperties, newProgram, parseToolArgs,
} from './options';

export const TOOL_NAME = 'samsa-mirror-maker';

export interface MirrorMakerCliOptions {
  include: string;
  numStreams: number;
  offsetCommitIntervalMs: number;
  abortOnSendFailure: boolean;
  progressIntervalMs: number;
  metricsPort: number | null;
  consumer: ConsumerOptions;
  producer: ProducerOptions;
  sourceAdmin: ClientOptions;
  targetAdmin: ClientOptions;
  config: MirrorConfig;
  /** Notes for stderr (deprecated flags, forced settings). */
  warnings: string[];
}

function buildProgram(io: CliIo) {
  return newProgram(TOOL_NAME, 'Continuously copy topics from a source cluster (--consumer.config) to a target cluster (--producer.config).', io)
    .option('--consumer.config <file>', 'REQUIRED: consumer config of the source cluster (bootstrap.servers, group.id, ...).')
    .option('--producer.config <file>', 'REQUIRED: producer config of the target cluster (bootstrap.servers, ...).')
    .option('--include <regex>', 'Regular expression (Java-style, whole name; \',\' separates alternatives) of the topics to mirror.')
    .option('--whitelist <regex>', 'DEPRECATED, use --include instead.')
    .option('--num.streams <n>', 'Number of consumption streams (consumers in the mirror maker\'s group).', integerArg(1, 64), 1)
    .option('--offset.commit.interval.ms <ms>', 'Offset commit interval in ms.', integerArg(1), 60000)
    .option('--abort.on.send.failure <true|false>', 'Stop the entire mirror maker when a send failure occurs.', 'true')
    .option('--mm2.config <file>', 'MirrorMaker 2 settings (sync.topic.configs.enabled, source.cluster.alias, emit.checkpoints.*, groups, ...); see docs/mirror-maker.md.')
    .option('--mm2-property <key=value>', 'A MirrorMaker 2 setting, overriding --mm2.config (repeatable).', collect)
    .option('--progress-interval <ms>', 'Print a progress line (records, bytes, lag per partition) this often.', integerArg(100), 30000)
    .option('--metrics-port <port>', 'Serve Prometheus metrics on http://0.0.0.0:<port>/metrics.', integerArg(0, 65535));
}

export function parseMirrorMakerArgs(argv: readonly string[], io: CliIo): ToolArgs<MirrorMakerCliOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): MirrorMakerCliOptions {
  const warnings: string[] = [];
  if (o['consumer.config'] === undefined) throw new UsageError('Missing required argument "[consumer.config]"');
  if (o['producer.config'] === undefined) throw new UsageError('Missing required argument "[producer.config]"');
  const include = o.include as string | undefined;
  const whitelist = o.whitelist as string | undefined;
  if (include !== undefined && whitelist !== undefined) throw new UsageError('--include and --whitelist cannot be used together; use --include.');
  if (include === undefined && whitelist === undefined) throw new UsageError('Missing required argument "[include]"');
  if (whitelist !== undefined) warnings.push('--whitelist is deprecated; use --include instead.');
  const pattern = (include ?? whitelist) as string;
  checkPattern(pattern);
  const abort = String(o['abort.on.send.failure']).trim().toLowerCase();
  if (abort !== 'true' && abort !== 'false') throw new UsageError(`Invalid value '${o['abort.on.send.failure']}' for --abort.on.send.failure: expected true or false.`);

  const consumerProps = loadClientProperties(o['consumer.config'] as string);
  const producerProps = loadClientProperties(o['producer.config'] as string);
  return {
    include: pattern,
    numStreams: o['num.streams'] as number,
    offsetCommitIntervalMs: o['offset.commit.interval.ms'] as number,
    abortOnSendFailure: abort === 'true',
    progressIntervalMs: o.progressInterval as number,
    metricsPort: (o.metricsPort as number | undefined) ?? null,
    consumer: consumerOptions(consumerProps, warnings),
    producer: producerOptions(producerProps),
    sourceAdmin: adminOptions(consumerProps, 'consumer.config'),
    targetAdmin: adminOptions(producerProps, 'producer.config'),
    config: mirrorConfig(o['mm2.config'] as string | undefined, (o.mm2Property as string[] | undefined) ?? []),
    warnings,
  };
}

function checkPattern(pattern: string): void {
  for (const part of pattern.split(',')) {
    try {
      new RegExp(part.trim());
    } catch (err) {
      throw new UsageError(`Invalid --include regular expression '${pattern}': ${errorMessage(err)}`);
    }
  }
}

/** The source consumer: group.id required (as Kafka's), offsets committed by the mirror maker itself, earliest by default. */
function consumerOptions(props: Record<string, string>, warnings: string[]): ConsumerOptions {
  if (props['group.id'] === undefined || props['group.id'].trim() === '') {
    throw new UsageError('--consumer.config must set group.id: the mirror maker commits the source offsets it has copied under that group.');
  }
  if (props['enable.auto.commit']?.trim().toLowerCase() === 'true') {
    warnings.push('enable.auto.commit=true in --consumer.config is ignored: offsets are committed only once the target acknowledged the records.');
  }
  const withDefaults = { 'auto.offset.reset': 'earliest', 'client.id': 'mirror-maker', ...props, 'enable.auto.commit': 'false' };
  try {
    return consumerOptionsFromProperties(withDefaults);
  } catch (err) {
    throw new UsageError(`Invalid --consumer.config: ${errorMessage(err)}`);
  }
}

/** The target producer: idempotent with acks=all, or the guarantees in docs/mirror-maker.md would not hold. */
function producerOptions(props: Record<string, string>): ProducerOptions {
  if (props['enable.idempotence'] !== undefined && props['enable.idempotence'].trim().toLowerCase() !== 'true') {
    throw new UsageError('--producer.config sets enable.idempotence=false: the mirror maker needs the idempotent producer (no duplicates from retries).');
  }
  if (props.acks !== undefined && !['all', '-1'].includes(props.acks.trim().toLowerCase())) {
    throw new UsageError(`--producer.config sets acks=${props.acks}: the mirror maker needs acks=all (a record counts as copied once all in-sync replicas have it).`);
  }
  try {
    return producerOptionsFromProperties({ 'client.id': 'mirror-maker-producer', ...props, acks: 'all', 'enable.idempotence': 'true' });
  } catch (err) {
    throw new UsageError(`Invalid --producer.config: ${errorMessage(err)}`);
  }
}

function adminOptions(props: Record<string, string>, flag: string): ClientOptions {
  const bootstrap = props['bootstrap.servers'];
  if (bootstrap === undefined) throw new UsageError(`--${flag} must set bootstrap.servers.`);
  const options = clientOptionsFromProperties(props, bootstrap);
  return { ...options, clientId: `${options.clientId ?? 'mirror-maker'}-admin` };
}

function mirrorConfig(file: string | undefined, overrides: readonly string[]): MirrorConfig {
  try {
    const fromFile = file === undefined ? undefined : readPropertiesFile(file);
    return parseMirrorConfig(propertiesToRecord(mergeProperties(fromFile, parseOverrides(overrides))));
  } catch (err) {
    throw new UsageError(`Invalid MirrorMaker 2 settings: ${errorMessage(err)}`);
  }
}
