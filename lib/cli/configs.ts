/**
 * `samsa-configs`: Kafka 2.8's kafka-configs tool for Samsa. Today it manages users' SCRAM
 * credentials (`--entity-type users`), through a broker (`--bootstrap-server`, the
 * DescribeUserScramCredentials/AlterUserScramCredentials APIs) or straight in ZooKeeper
 * (`--zookeeper`), and topic config overrides in ZooKeeper; the rest of configs-entities.ts's
 * table comes with issue 11.
 *
 * Output and errors are ConfigCommand's: the --zookeeper deprecation warning, `Completed
 * updating config for ...`, a refused command's reason alone on stderr with exit code 1, and
 * anything unexpected as `Error while executing config command with args '...'`. Passwords
 * are never echoed, not even in that last line.
 */
import { Admin } from '../client/admin';
import type { ScramCredentialAlteration } from '../client/admin-scram';
import { EntityConfigStore } from '../zk/entity-config';
import { ZkClient } from '../zk/zk-client';
import { ConfigsCommandOptions, parseConfigsArgs } from './configs-options';
import { hidePasswords } from './configs-parse';
import { alterUsersAdmin, ConfigCommandFailure, describeUsersAdmin, prepareUsersAdminAlter } from './configs-users-admin';
import { alterTopicsZk, describeTopicsZk, prepareTopicsZkAlter } from './configs-topics-zk';
import { alterUsersZk, describeUsersZk, prepareUsersZkAlter } from './configs-users-zk';
import { CliIo, clientOptionsFromProperties, CommandError, errorMessage, loadClientProperties, processIo, runMain, UsageError } from './options';

const ZK_SESSION_TIMEOUT_MS = 30000;
const ZK_CONNECTION_TIMEOUT_MS = 30000;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseConfigsArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  try {
    if (opts.target.kind === 'zookeeper') {
      io.out('Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\n');
      io.out('Use --bootstrap-server instead to specify a broker to connect to.\n');
      await runWithZk(opts.target.connect, opts, io);
    } else {
      await runWithAdmin(opts.target.servers, opts, io);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof CommandError) {
      io.err(`${err.message}\n`);
    } else {
      io.err(`Error while executing config command with args '${argv.map(hidePasswords).join(' ')}'\n`);
      io.err(`${err instanceof ConfigCommandFailure ? err.exception : errorMessage(err)}\n`);
    }
    return 1;
  }
}

/** What --zookeeper does per entity type: check an alteration before connecting, then alter or describe. */
const ZK_RUNNERS = {
  users: { prepare: prepareUsersZkAlter, alter: alterUsersZk, describe: describeUsersZk },
  topics: { prepare: prepareTopicsZkAlter, alter: alterTopicsZk, describe: describeTopicsZk },
} as const;

async function runWithZk(connectString: string, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const spec = opts.entityTypes[0];
  // configs-options.ts lets through only the types the entity table marks supported with --zookeeper.
  const runner = ZK_RUNNERS[spec.type as keyof typeof ZK_RUNNERS];
  const additions = opts.action === 'alter' ? runner.prepare(opts) : new Map<string, string>();
  const zk = await ZkClient.connect({ connectString, sessionTimeoutMs: ZK_SESSION_TIMEOUT_MS, connectionTimeoutMs: ZK_CONNECTION_TIMEOUT_MS });
  try {
    const store = new EntityConfigStore(zk);
    if (opts.action === 'alter') await runner.alter(store, spec, opts, additions, io);
    else await runner.describe(store, spec, opts, io);
  } finally {
    await zk.close().catch(() => undefined);
  }
}

async function runWithAdmin(servers: string, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  if (opts.action === 'alter' && opts.entityTypes.length !== opts.entityNames.length) {
    throw new UsageError('An entity name must be specified for every entity type');
  }
  const alterations: ScramCredentialAlteration[] = opts.action === 'alter' ? prepareUsersAdminAlter(opts) : [];
  const options = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), servers);
  options.clientId ??= 'samsa-configs';
  const admin = new Admin(options);
  try {
    await admin.connect();
    if (opts.action === 'alter') await alterUsersAdmin(admin, opts, alterations, io);
    else await describeUsersAdmin(admin, opts, io);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

if (require.main === module) runMain((argv) => main(argv));
