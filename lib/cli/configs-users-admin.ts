/**
 * `samsa-configs --bootstrap-server --entity-type users`: SCRAM credentials through a broker
 * with DescribeUserScramCredentials / AlterUserScramCredentials, as Kafka 2.8's ConfigCommand
 * does. The tool sends a salted password, never the password. Output lines are Kafka's:
 * `SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192` and
 * `Completed updating config for user alice.`
 */
import type { Admin } from '../client/admin';
import type { ScramCredentialAlteration } from '../client/admin-scram';
import { isScramMechanism } from '../security/scram/scram-credential';
import { isQuotaKey } from './configs-entities';
import type { ConfigsCommandOptions } from './configs-options';
import { parseScramValue } from './configs-parse';
import { CommandError, CliIo, UsageError } from './options';
import { kafkaExceptionName } from './kafka-exception';

/** A failure Kafka reports through its generic handler: the command line, then the exception. */
export class ConfigCommandFailure extends Error {
  constructor(readonly exception: string) {
    super(exception);
    this.name = 'ConfigCommandFailure';
  }
}

/**
 * Kafka's checks for a user alteration over --bootstrap-server; returns the credential changes to
 * send, or null for a quota alteration (configs-quotas-admin.ts). Runs before connecting.
 */
export function prepareUsersAdminAlter(opts: ConfigsCommandOptions): ScramCredentialAlteration[] | null {
  const adds = [...opts.addConfigs.keys()];
  const unknownAdds = adds.filter((k) => !isScramMechanism(k) && !isQuotaKey(k));
  const unknownDeletes = opts.deleteConfigs.filter((k) => !isScramMechanism(k) && !isQuotaKey(k));
  if (unknownAdds.length > 0) {
    throw new UsageError(`Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: Set(${unknownAdds.join(', ')})`);
  }
  if (unknownDeletes.length > 0) {
    throw new UsageError(`Only quota and SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: ArrayBuffer(${unknownDeletes.join(', ')})`);
  }
  const quota = [...adds, ...opts.deleteConfigs].filter((k) => isQuotaKey(k));
  const scram = [...adds, ...opts.deleteConfigs].filter(isScramMechanism);
  if (scram.length > 0 && opts.entityNames.includes('')) {
    throw new UsageError('The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.');
  }
  if (scram.length > 0 && quota.length > 0) {
    throw new UsageError("Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.");
  }
  if (quota.length > 0) return null;
  const user = opts.entityNames[0];
  const alterations: ScramCredentialAlteration[] = [];
  for (const mechanism of opts.deleteConfigs.filter(isScramMechanism)) alterations.push({ user, mechanism, delete: true });
  for (const [mechanism, value] of opts.addConfigs) {
    if (!isScramMechanism(mechanism)) continue;
    const { iterations, password } = parseScramValue(mechanism, value, 'bootstrap');
    alterations.push({ user, mechanism, iterations, password });
  }
  return alterations;
}

export async function alterUsersAdmin(admin: Admin, opts: ConfigsCommandOptions, alterations: ScramCredentialAlteration[], io: CliIo): Promise<void> {
  const user = opts.entityNames[0];
  const results = await admin.alterUserScramCredentials(alterations);
  const error = results.get(user);
  if (error === undefined) throw new CommandError(`The broker did not answer for user ${user}`);
  if (error !== null) throw new ConfigCommandFailure(`java.util.concurrent.ExecutionException: ${kafkaExceptionName(error)}: ${error.message}`);
  io.out(`Completed updating config for user ${user}.\n`);
}

/** The SCRAM half of Kafka's user describe (the quota half is configs-quotas-admin.ts); only without --entity-default. */
export async function describeUsersAdmin(admin: Admin, opts: ConfigsCommandOptions, io: CliIo): Promise<void> {
  if (opts.entityNames.includes('')) return;
  const descriptions = await admin.describeUserScramCredentials(opts.entityNames);
  for (const d of descriptions) {
    if (d.error) {
      io.out(`Error retrieving SCRAM credential configs for user-principal '${d.user}': ExecutionException: ${kafkaExceptionName(d.error)}: ${d.error.message}\n`);
      continue;
    }
    const text = d.credentialInfos.map((c) => `${c.mechanism}=iterations=${c.iterations}`).join(', ');
    io.out(`SCRAM credential configs for user-principal '${d.user}' are ${text}\n`);
  }
}
