/**
 * `samsa-configs --bootstrap-server`: which admin requests a command becomes, per entity type, as
 * Kafka 2.8's ConfigCommand.alterConfig / describeConfig choose them. Everything that can be
 * checked without a broker is checked here, before connecting, so a refused command sends nothing.
 */
import type { Admin } from '../client/admin';
import type { ConfigsCommandOptions } from './configs-options';
import { alterQuotas, checkClientQuotaKeys, describeQuotas, prepareQuotaOps } from './configs-quotas-admin';
import { alterResource, describeResources } from './configs-resources-admin';
import { alterUsersAdmin, describeUsersAdmin, prepareUsersAdminAlter } from './configs-users-admin';
import { CliIo, UsageError } from './options';

export type AdminRun = (admin: Admin) => Promise<void>;

export function planAdminCommand(opts: ConfigsCommandOptions, io: CliIo): AdminRun {
  const type = opts.entityTypes[0].type;
  switch (type) {
    case 'users':
    case 'clients': {
      // Kafka: a client, or a user's client, takes quotas only; a user quotas or SCRAM credentials.
      const clients = type === 'clients' || opts.entityTypes.length > 1;
      if (opts.action === 'describe') {
        return async (admin) => {
          await describeQuotas(admin, opts, io);
          if (!clients) await describeUsersAdmin(admin, opts, io);
        };
      }
      if (clients) checkClientQuotaKeys(opts);
      const credentials = clients ? null : prepareUsersAdminAlter(opts);
      if (credentials) return (admin) => alterUsersAdmin(admin, opts, credentials, io);
      const ops = prepareQuotaOps(opts);
      return (admin) => alterQuotas(admin, opts, ops, io);
    }
    case 'topics':
    case 'brokers':
    case 'broker-loggers':
      return opts.action === 'describe' ? (admin) => describeResources(admin, opts, io) : (admin) => alterResource(admin, opts, io);
    default:
      // configs-options.ts lets through only the types configs-entities.ts marks supported.
      throw new UsageError(`Unsupported entity type: ${type}`);
  }
}
