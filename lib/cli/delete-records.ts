/**
 * `samsa-delete-records`: Kafka's kafka-delete-records tool. Deletes every record below the given
 * offset of each partition in the --offset-json-file (offset -1: up to the high watermark) through
 * the DeleteRecords API, and prints Kafka's report line for line:
 *
 *   Executing records delete operation
 *   Records delete operation completed:
 *   partition: t-0	low_watermark: 10
 *   partition: t-1	error: org.apache.kafka.common.errors.<Name>Exception: <reason>
 *
 * One difference from Kafka, on purpose: when any partition failed the tool exits with code 1
 * (Kafka's exits 0), so a script can tell.
 */
import { Admin } from '../client/admin';
import type { DeletedRecords, RecordsToDelete } from '../client/admin-records';
import type { ClientOptions } from '../client/client-options';
import { kafkaErrorText } from './kafka-exception';
import { TOOL_NAME, parseDeleteRecordsArgs, readOffsetJsonFile } from './delete-records-options';
import { CliIo, UsageError, clientOptionsFromProperties, errorMessage, loadClientProperties, openClient, printUsageError, processIo, runMain } from './options';

/** The part of the Admin client this tool uses; tests substitute a fake. */
export interface DeleteRecordsAdmin {
  connect(): Promise<void>;
  deleteRecords(records: RecordsToDelete[], opts?: { timeoutMs?: number }): Promise<DeletedRecords[]>;
  close(): Promise<void>;
}

export async function main(argv: string[], io: CliIo = processIo(), createAdmin: (o: ClientOptions) => DeleteRecordsAdmin = (o) => new Admin(o)): Promise<number> {
  const parsed = parseDeleteRecordsArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let records: RecordsToDelete[];
  let clientOptions: ClientOptions;
  try {
    records = readOffsetJsonFile(opts.offsetJsonFile);
    clientOptions = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), opts.bootstrapServers);
  } catch (err) {
    if (err instanceof UsageError) printUsageError(io, TOOL_NAME, err.message);
    else io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  }
  clientOptions.clientId ??= TOOL_NAME;
  const admin = await openClient(io, TOOL_NAME, () => createAdmin(clientOptions));
  if (!admin) return 1;
  try {
    io.out('Executing records delete operation\n');
    const results = await admin.deleteRecords(records);
    io.out('Records delete operation completed:\n');
    for (const r of results) {
      io.out(r.error === null
        ? `partition: ${r.topic}-${r.partition}\tlow_watermark: ${r.lowWatermark}\n`
        : `partition: ${r.topic}-${r.partition}\terror: ${kafkaErrorText(r.error)}\n`);
    }
    return results.some((r) => r.error !== null) ? 1 : 0;
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

if (require.main === module) runMain((argv) => main(argv));
