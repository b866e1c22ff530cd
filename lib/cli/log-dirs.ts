/**
 * `samsa-log-dirs`: Kafka 2.8's kafka-log-dirs tool. `--describe` asks each broker (all of them,
 * or `--broker-list`) for its log directories with DescribeLogDirs and prints Kafka's three lines:
 * `Querying brokers for log directories information`, `Received log directory information from
 * brokers 1,2`, then one JSON document
 * `{"version":1,"brokers":[{"broker":1,"logDirs":[{"logDir":..,"error":null,"partitions":[..]}]}]}`
 * with each replica's `partition`, `size`, `offsetLag` and `isFuture`, limited to `--topic-list`
 * topics when given. A failed directory's error is the Java exception class Kafka prints
 * (org.apache.kafka.common.errors.KafkaStorageException).
 */
import { Admin } from '../client/admin';
import type { LogDirDescription } from '../client/admin-log-dirs';
import type { ClientOptions } from '../client/client-options';
import { ErrorCode, SamsaError } from '../protocol/errors';
import {
  CliIo, UsageError, clientOptionsFromProperties, errorMessage, loadClientProperties, newProgram, openClient, parseBootstrapServers,
  parseToolArgs, processIo, runMain,
} from './options';

export const TOOL_NAME = 'samsa-log-dirs';

export interface LogDirsOptions {
  bootstrapServers: string;
  /** Empty: every broker in the cluster. */
  brokers: number[];
  /** Empty: every topic. */
  topics: string[];
  commandConfig?: string;
}

/** The part of the Admin client this tool uses; tests substitute a fake. */
export interface LogDirsAdmin {
  connect(): Promise<void>;
  describeCluster(): Promise<{ brokers: Array<{ nodeId: number }> }>;
  describeLogDirs(brokerIds: number[]): Promise<Map<number, LogDirDescription[]>>;
  close(): Promise<void>;
}

export interface LogDirsDeps {
  createAdmin?: (options: ClientOptions) => LogDirsAdmin;
}

function toOptions(o: Record<string, unknown>): LogDirsOptions {
  const missing = [['bootstrapServer', 'bootstrap-server'], ['describe', 'describe']].filter(([key]) => o[key] === undefined).map(([, flag]) => flag);
  if (missing.length > 0) throw new UsageError(`Missing required option(s): ${missing.join(', ')}`);
  const list = (text: unknown): string[] => (typeof text === 'string' ? text.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);
  const brokers = list(o.brokerList).map((id) => {
    if (!/^-?\d+$/.test(id)) throw new UsageError(`Invalid broker id '${id}' in --broker-list: expected a comma-separated list of integers like 0,1,2`);
    return Number(id);
  });
  return {
    bootstrapServers: parseBootstrapServers(o.bootstrapServer as string),
    brokers: [...new Set(brokers)],
    topics: list(o.topicList),
    commandConfig: o.commandConfig as string | undefined,
  };
}

export function parseLogDirsArgs(argv: readonly string[], io: CliIo): ReturnType<typeof parseToolArgs<LogDirsOptions>> {
  const program = newProgram(TOOL_NAME, 'This tool helps to query log directory usage on the specified brokers.', io)
    .option('--bootstrap-server <host:port>', 'REQUIRED: the server(s) to use for bootstrapping')
    .option('--command-config <file>', 'Property file containing configs to be passed to Admin Client.')
    .option('--describe', 'Describe the specified log directories on the specified brokers.')
    .option('--topic-list <topics>', 'The list of topics to be queried in the form "topic1,topic2,topic3". All topics will be queried if no topic list is specified')
    .option('--broker-list <brokers>', 'The list of brokers to be queried in the form "0,1,2". All brokers in the cluster will be queried if no broker list is specified');
  return parseToolArgs(program, argv, io, TOOL_NAME, toOptions);
}

export async function main(argv: string[], io: CliIo = processIo(), deps: LogDirsDeps = {}): Promise<number> {
  const parsed = parseLogDirsArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let clientOptions: ClientOptions;
  try {
    clientOptions = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), opts.bootstrapServers);
  } catch (err) {
    io.err(`${errorMessage(err)}\n`);
    return 1;
  }
  clientOptions.clientId ??= TOOL_NAME;
  const admin = await openClient(io, TOOL_NAME, () => (deps.createAdmin ?? ((o) => new Admin(o)))(clientOptions));
  if (!admin) return 1;
  try {
    const brokers = opts.brokers.length > 0 ? opts.brokers : (await admin.describeCluster()).brokers.map((b) => b.nodeId);
    io.out('Querying brokers for log directories information\n');
    const described = await admin.describeLogDirs(brokers);
    io.out(`Received log directory information from brokers ${brokers.join(',')}\n`);
    io.out(`${formatLogDirsJson(described, opts.topics)}\n`);
    return 0;
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Kafka's LogDirsCommand.formatAsJson: brokers in the order asked, replicas filtered by topic. */
export function formatLogDirsJson(byBroker: ReadonlyMap<number, LogDirDescription[]>, topics: readonly string[]): string {
  const wanted = new Set(topics);
  return JSON.stringify({
    version: 1,
    brokers: [...byBroker].map(([broker, dirs]) => ({
      broker,
      logDirs: dirs.map((d) => ({
        logDir: d.path,
        error: d.error === null ? null : exceptionClassName(d.error),
        partitions: d.replicas.filter((r) => wanted.size === 0 || wanted.has(r.topic))
          .map((r) => ({ partition: `${r.topic}-${r.partition}`, size: r.size, offsetLag: r.offsetLag, isFuture: r.isFuture })),
      })),
    })),
  });
}

/** The class of the exception Kafka's admin client raises for the error, which the tool prints. */
function exceptionClassName(error: SamsaError): string {
  if (error.code === ErrorCode.KAFKA_STORAGE_ERROR.code) return 'org.apache.kafka.common.errors.KafkaStorageException';
  const camel = error.errorName.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
  return `org.apache.kafka.common.errors.${camel}Exception`;
}

if (require.main === module) runMain((argv) => main(argv));
