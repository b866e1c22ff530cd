/**
 * `samsa-broker-api-versions`: Kafka's kafka-broker-api-versions tool. Finds every broker of the
 * cluster through --bootstrap-server and prints what each serves, in Kafka's format
 * (NodeApiVersions.toString with line breaks):
 *
 *   127.0.0.1:9092 (id: 1 rack: null) -> (
 *   	Produce(0): 0 [usable: 0],
 *   	UpdateMetadata(6): 0 to 1 [usable: 1],
 *   	...
 *   )
 *
 * "usable" is the highest version both the broker and this tool speak; an API this tool knows and
 * the broker does not list prints as UNSUPPORTED, one the tool does not know as UNKNOWN(key).
 *
 * It speaks Samsa's native protocol, as every Samsa tool does, so --bootstrap-server names a
 * native listener and the ranges are the native API table's. The Kafka listener's ranges (Kafka
 * 2.8's) are what Kafka's own kafka-broker-api-versions prints when pointed at that listener.
 * Unlike Kafka's tool (which exits 0), a broker that cannot be asked makes the exit code 1.
 */
import { Admin } from '../client/admin';
import type { ApiVersionRange, BrokerVersionInfo, VersionedNode } from '../client/admin-api-versions';
import type { ClientOptions } from '../client/client-options';
import { allApis, apiByKey } from '../protocol/api';
import {
  CliIo, UsageError, clientOptionsFromProperties, errorMessage, loadClientProperties, newProgram, openClient, parseBootstrapServers,
  parseToolArgs, printUsageError, processIo, runMain,
} from './options';

const TOOL_NAME = 'samsa-broker-api-versions';

/** The part of the Admin client this tool uses; tests substitute a fake. */
export interface BrokerApiVersionsAdmin {
  connect(): Promise<void>;
  listAllBrokerVersionInfo(): Promise<BrokerVersionInfo[]>;
  close(): Promise<void>;
}

interface Options {
  bootstrapServers: string;
  commandConfig?: string;
}

function parseArgs(argv: readonly string[], io: CliIo) {
  const program = newProgram(TOOL_NAME, 'This tool helps to retrieve broker version information.', io)
    .option('--bootstrap-server <host:port>', 'REQUIRED: The server to connect to.')
    .option('--command-config <file>', 'A property file containing configs to be passed to Admin Client.');
  return parseToolArgs(program, argv, io, TOOL_NAME, (o): Options => {
    if (o.bootstrapServer === undefined) throw new UsageError('Missing required option(s): bootstrap-server');
    return { bootstrapServers: parseBootstrapServers(o.bootstrapServer as string), commandConfig: o.commandConfig as string | undefined };
  });
}

export async function main(argv: string[], io: CliIo = processIo(), createAdmin: (o: ClientOptions) => BrokerApiVersionsAdmin = (o) => new Admin(o)): Promise<number> {
  const parsed = parseArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  let clientOptions: ClientOptions;
  try {
    clientOptions = clientOptionsFromProperties(loadClientProperties(parsed.options.commandConfig), parsed.options.bootstrapServers);
  } catch (err) {
    printUsageError(io, TOOL_NAME, errorMessage(err));
    return 1;
  }
  clientOptions.clientId ??= TOOL_NAME;
  const admin = await openClient(io, TOOL_NAME, () => createAdmin(clientOptions));
  if (!admin) return 1;
  try {
    const infos = await admin.listAllBrokerVersionInfo();
    for (const info of [...infos].sort((a, b) => a.node.nodeId - b.node.nodeId)) {
      io.out(info.error === null ? `${nodeText(info.node)} -> ${versionsText(info.apiVersions)}\n` : `${nodeText(info.node)} -> ERROR: ${errorMessage(info.error)}\n`);
    }
    return infos.some((i) => i.error !== null) ? 1 : 0;
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Kafka's Node.toString. */
function nodeText(node: VersionedNode): string {
  return `${node.host}:${node.port} (id: ${node.nodeId} rack: ${node.rack ?? 'null'})`;
}

/** Kafka's NodeApiVersions.toString(lineBreaks = true): one line per API key, ascending. */
export function versionsText(versions: readonly ApiVersionRange[]): string {
  const lines = new Map<number, string>();
  for (const v of versions) lines.set(v.apiKey, rangeText(v));
  for (const def of allApis()) if (!lines.has(def.key)) lines.set(def.key, `${def.name}(${def.key}): UNSUPPORTED`);
  const sorted = [...lines].sort(([a], [b]) => a - b).map(([, line]) => line);
  return `(\n\t${sorted.join(',\n\t')}\n)`;
}

function rangeText(v: ApiVersionRange): string {
  const def = apiByKey(v.apiKey);
  const range = v.minVersion === v.maxVersion ? `${v.minVersion}` : `${v.minVersion} to ${v.maxVersion}`;
  if (def === undefined) return `UNKNOWN(${v.apiKey}): ${range}`;
  let usable: string;
  if (def.maxVersion < v.minVersion) usable = '[unusable: node too new]';
  else if (v.maxVersion < def.minVersion) usable = '[unusable: node too old]';
  else usable = `[usable: ${Math.min(def.maxVersion, v.maxVersion)}]`;
  return `${def.name}(${def.key}): ${range} ${usable}`;
}

if (require.main === module) runMain((argv) => main(argv));
