/**
 * `samsa-configs`: Kafka 2.8's kafka-configs tool for Samsa: describe and alter the dynamic
 * configs of topics, brokers (one or the cluster default), broker loggers, users (quotas and SCRAM
 * credentials), client ids and a user's client ids, through a broker (`--bootstrap-server`) or
 * straight in ZooKeeper (`--zookeeper`, deprecated in Kafka 2.8 but still there).
 *
 * Output and errors are ConfigCommand's: the --zookeeper deprecation warning, `Completed
 * updating config for ...`, a refused command's reason alone on stderr with exit code 1, and
 * anything unexpected as `Error while executing config command with args '...'` followed by the
 * exception's first line. Passwords are never echoed, not even in that last line.
 */
import { Admin } from '../client/admin';
import { ConfigError } from '../config/config-error';
import { DynamicConfigError } from '../config/dynamic-broker-keys';
import { EntityConfigStore } from '../zk/entity-config';
import { ZkClient } from '../zk/zk-client';
import { ConfigsCommandOptions, parseConfigsArgs } from './configs-options';
import { hidePasswords } from './configs-parse';
import { planAdminCommand } from './configs-admin';
import { ConfigCommandFailure } from './configs-users-admin';
import { alterWithZk, describeWithZk, prepareZkAlter } from './configs-zk';
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
    if (err instanceof UsageError || err instanceof CommandError || isInvalidConfiguration(err)) {
      io.err(`${err.message}\n`);
    } else {
      io.err(`Error while executing config command with args '${argv.map(hidePasswords).join(' ')}'\n`);
      io.err(`${exceptionLine(err)}\n`);
    }
    return 1;
  }
}

/** Kafka prints an unknown topic config name (InvalidConfigurationException) alone; a bad value is a ConfigException. */
function isInvalidConfiguration(err: unknown): err is ConfigError {
  return err instanceof ConfigError && !err.message.startsWith('Invalid value ');
}

/** The first line of the stack trace Kafka prints, with Kafka's exception class. */
function exceptionLine(err: unknown): string {
  if (err instanceof ConfigCommandFailure) return err.exception;
  if (err instanceof ConfigError || err instanceof DynamicConfigError) return `org.apache.kafka.common.config.ConfigException: ${err.message}`;
  return errorMessage(err);
}

async function runWithZk(connectString: string, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  const alteration = opts.action === 'alter' ? prepareZkAlter(opts) : undefined;
  const zk = await ZkClient.connect({ connectString, sessionTimeoutMs: ZK_SESSION_TIMEOUT_MS, connectionTimeoutMs: ZK_CONNECTION_TIMEOUT_MS });
  try {
    const store = new EntityConfigStore(zk);
    if (alteration) await alterWithZk(store, opts, alteration, io);
    else await describeWithZk(store, opts, io);
  } finally {
    await zk.close().catch(() => undefined);
  }
}

async function runWithAdmin(servers: string, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  if (opts.action === 'alter' && opts.entityTypes.length !== opts.entityNames.length) {
    throw new UsageError('An entity name must be specified for every entity type');
  }
  const run = planAdminCommand(opts, io);
  const options = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), servers);
  options.clientId ??= 'samsa-configs';
  const admin = new Admin(options);
  try {
    await admin.connect();
    await run(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

if (require.main === module) runMain((argv) => main(argv));
