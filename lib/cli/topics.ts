/**
 * `samsa-topics`: Kafka's kafka-topics tool for Samsa — create, list, describe, delete and grow
 * topics, either through a broker (`--bootstrap-server`) or straight against ZooKeeper
 * (`--zookeeper`, as Kafka 2.x allowed).
 *
 * Output and error wording follow Kafka's TopicCommand so muscle memory and scripts carry over:
 * `Created topic t.`, `Topic t is marked for deletion.`, and failures as
 * `Error while executing topic command : <reason>` with exit code 1.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { validateTopicConfig } from '../config/topic-config';
import type { NewTopic } from '../client/admin';
import { AdminTopicBackend } from './topic-admin-backend';
import type { TopicBackend } from './topic-backend';
import { describeTopicLines, formatTopicLine } from './topic-format';
import { selectTopics } from './topic-filter';
import { CliIo, CommandError, UsageError, clientOptionsFromProperties, errorMessage, loadClientProperties, processIo, runMain } from './options';
import { ClusterTarget, TopicCommandOptions, parseTopicsArgs } from './topics-options';
import { ZkTopicBackend } from './topic-zk-backend';

export interface TopicsDeps {
  /** Opens the backend for a target; tests substitute an in-memory one. */
  openBackend?: (target: ClusterTarget, commandConfig: string | undefined) => Promise<TopicBackend>;
}

const MAX_REPLICATION_FACTOR = 32767;

export async function main(argv: string[], io: CliIo = processIo(), deps: TopicsDeps = {}): Promise<number> {
  const parsed = parseTopicsArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let backend: TopicBackend | undefined;
  try {
    validateBeforeConnecting(opts);
    backend = await (deps.openBackend ?? openBackend)(opts.target, opts.commandConfig);
    await runAction(backend, opts, io);
    return 0;
  } catch (err) {
    io.err(`Error while executing topic command : ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await backend?.close().catch(() => undefined);
  }
}

async function openBackend(target: ClusterTarget, commandConfig: string | undefined): Promise<TopicBackend> {
  if (target.kind === 'zookeeper') return ZkTopicBackend.open(target.connect);
  const props = loadClientProperties(commandConfig);
  const options = clientOptionsFromProperties(props, target.servers);
  options.clientId ??= 'samsa-topics';
  return AdminTopicBackend.open(options);
}

/** Checks Kafka makes in the tool itself, before any request is sent. */
function validateBeforeConnecting(opts: TopicCommandOptions): void {
  if (opts.action === 'create') {
    const rf = opts.replicationFactor;
    if (rf !== undefined && (rf < 1 || rf > MAX_REPLICATION_FACTOR)) {
      throw new CommandError(`The replication factor must be between 1 and ${MAX_REPLICATION_FACTOR} inclusive`);
    }
    if (opts.partitions !== undefined && opts.partitions < 1) throw new CommandError('The partitions must be greater than 0');
    validateTopicConfig(opts.configs);
    if (opts.target.kind === 'zookeeper' && !opts.replicaAssignment) {
      if (opts.partitions === undefined) throw new UsageError('Missing required argument "[partitions]"');
      if (opts.replicationFactor === undefined) throw new UsageError('Missing required argument "[replication-factor]"');
    }
  }
  if (opts.action === 'alter' && opts.partitions !== undefined && opts.partitions < 1) {
    throw new CommandError('The partitions must be greater than 0');
  }
  // Kafka's parseTopicConfigsToBeAdded / ToBeDeleted: LogConfig.validate and validateNames, before connecting.
  if (opts.action === 'alter') validateTopicConfig({ ...opts.configs, ...Object.fromEntries(opts.deleteConfigs.map((k) => [k, null])) });
}

async function runAction(backend: TopicBackend, opts: TopicCommandOptions, io: CliIo): Promise<void> {
  switch (opts.action) {
    case 'create':
      return createTopic(backend, opts, io);
    case 'list':
      return listTopics(backend, opts, io);
    case 'describe':
      return describeTopics(backend, opts, io);
    case 'delete':
      return deleteTopics(backend, opts, io);
    case 'alter':
      return alterTopics(backend, opts, io);
  }
}

async function createTopic(backend: TopicBackend, opts: TopicCommandOptions, io: CliIo): Promise<void> {
  const name = opts.topic as string;
  if (name.includes('.') || name.includes('_')) {
    io.out(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. " +
        'To avoid issues it is best to use either, but not both.\n',
    );
  }
  const spec: NewTopic = { topic: name, configs: opts.configs };
  if (opts.replicaAssignment) {
    spec.replicaAssignment = Object.fromEntries(opts.replicaAssignment.map((replicas, p) => [p, replicas]));
  } else {
    spec.numPartitions = opts.partitions ?? -1;
    spec.replicationFactor = opts.replicationFactor ?? -1;
  }
  try {
    await backend.createTopic(spec, { ifNotExists: opts.ifNotExists });
  } catch (err) {
    // Kafka's --if-not-exists: an existing topic is success, silently.
    if (opts.ifNotExists && err instanceof SamsaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS.code) return;
    throw err;
  }
  io.out(`Created topic ${name}.\n`);
}

async function listTopics(backend: TopicBackend, opts: TopicCommandOptions, io: CliIo): Promise<void> {
  const listing = await backend.listTopics();
  const selected = new Set(selectTopics(listing.map((t) => t.name), opts.topic, opts.excludeInternal));
  const lines = listing
    .filter((t) => selected.has(t.name))
    .map((t) => (t.markedForDeletion ? `${t.name} - marked for deletion` : t.name));
  if (lines.length > 0) io.out(`${lines.join('\n')}\n`);
}

/** Topics selected by --topic; fails with Kafka's message when a named topic is missing. */
async function matchingTopics(backend: TopicBackend, opts: TopicCommandOptions): Promise<string[]> {
  const listing = await backend.listTopics();
  const topics = selectTopics(listing.map((t) => t.name), opts.topic, opts.excludeInternal);
  if (opts.topic !== undefined && opts.topic !== '' && !opts.ifExists && topics.length === 0) {
    throw new CommandError(`Topic '${opts.topic}' does not exist as expected`);
  }
  return topics;
}

async function describeTopics(backend: TopicBackend, opts: TopicCommandOptions, io: CliIo): Promise<void> {
  const topics = await matchingTopics(backend, opts);
  if (topics.length === 0) return;
  const descriptions = await backend.describeTopics(topics);
  const liveBrokers = opts.unavailable ? await backend.liveBrokerIds() : undefined;
  const minIsr = (opts.underMinIsr || opts.atMinIsr) && backend.minInsyncReplicas ? await backend.minInsyncReplicas(descriptions) : undefined;
  if (opts.topicsWithOverrides) {
    // Kafka: only the topic line, and only for topics with an override.
    const lines = descriptions.filter((d) => Object.keys(d.configs).length > 0).map(formatTopicLine);
    if (lines.length > 0) io.out(`${lines.join('\n')}\n`);
    return;
  }
  const lines = descriptions.flatMap((d) =>
    describeTopicLines(d, {
      underReplicated: opts.underReplicated, unavailable: opts.unavailable, liveBrokers,
      underMinIsr: opts.underMinIsr, atMinIsr: opts.atMinIsr, minInsyncReplicas: minIsr?.get(d.name),
    }),
  );
  if (lines.length > 0) io.out(`${lines.join('\n')}\n`);
}

async function deleteTopics(backend: TopicBackend, opts: TopicCommandOptions, io: CliIo): Promise<void> {
  const topics = await matchingTopics(backend, opts);
  for (const topic of topics) {
    const outcome = await backend.deleteTopic(topic);
    if (outcome === 'already-marked') {
      io.out(`Topic ${topic} is already marked for deletion.\n`);
      continue;
    }
    io.out(`Topic ${topic} is marked for deletion.\n`);
    if (opts.target.kind === 'zookeeper') io.out('Note: This will have no impact if delete.topic.enable is not set to true.\n');
  }
}

async function alterTopics(backend: TopicBackend, opts: TopicCommandOptions, io: CliIo): Promise<void> {
  const topics = await matchingTopics(backend, opts);
  if (topics.length === 0) return;
  if (Object.keys(opts.configs).length > 0 || opts.deleteConfigs.length > 0) {
    for (const topic of topics) {
      if (opts.target.kind === 'zookeeper') {
        io.out('WARNING: Altering topic configuration from this script has been deprecated and may be removed in future releases.\n'
          + '         Going forward, please use kafka-configs.sh for this functionality\n');
      }
      await backend.alterTopicConfig(topic, opts.configs, opts.deleteConfigs);
      io.out(`Updated config for topic ${topic}.\n`);
    }
  }
  if (opts.partitions === undefined) return;
  const total = opts.partitions;
  const descriptions = await backend.describeTopics(topics);
  for (const desc of descriptions) {
    if (desc.internal && desc.name === '__consumer_offsets') {
      throw new CommandError('The number of partitions for the offsets topic cannot be changed.');
    }
    // Like Kafka, a full --replica-assignment lists every partition; only the new ones are sent.
    const assignments = opts.replicaAssignment?.slice(desc.partitions.length);
    await backend.createPartitions(desc.name, total, assignments);
    if (opts.target.kind === 'zookeeper') {
      io.out(
        'WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\n' +
          'Adding partitions succeeded!\n',
      );
    }
  }
}

if (require.main === module) runMain((argv) => main(argv));
