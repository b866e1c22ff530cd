/**
 * Command-line grammar of `samsa-acls`, with Kafka 2.8 AclCommand's rules: exactly one action,
 * which options go together, and how --producer/--consumer expand into ACLs. Everything a user
 * can get wrong is rejected here, before any request, with AclCommand's wording; the result is
 * the plan the tool carries out: per resource filter, the ACL entries to add or remove.
 */
import { Command } from 'commander';
import { parsePrincipal } from '../security/principal';
import {
  AccessControlEntry, CLUSTER_RESOURCE_NAME, ConcreteOperation, ConcreteResourceType, PatternTypeName, WILDCARD_HOST,
} from '../security/acl/acl-types';
import { CliIo, CommandError, UsageError, collect, newProgram, parseBootstrapServers, parseToolArgs, ToolArgs } from './options';
import { kafkaResourceTypeName } from './acls-format';
import { sameEntry } from '../security/acl/acl-filter';

export type AclAction = 'add' | 'remove' | 'list';

/** Kafka's ResourcePatternFilter as the tool builds it: a concrete type and name, any pattern type. */
export interface ResourceFilter {
  readonly resourceType: ConcreteResourceType;
  readonly name: string;
  readonly patternType: PatternTypeName;
}

export interface AclCommandOptions {
  action: AclAction;
  bootstrapServers: string;
  commandConfig?: string;
  /** The resources named on the command line, which `--list` (and the listing after a change) shows. */
  filters: ResourceFilter[];
  /** In Kafka's order (topics, cluster, groups, transactional ids), each with the entries it gets. */
  plan: Array<{ filter: ResourceFilter; entries: AccessControlEntry[] }>;
  /** `--list` output filter (`--principal`), as `Type:name`. */
  listPrincipals: string[];
  force: boolean;
}

export const TOOL_NAME = 'samsa-acls';

const OPERATION_NAMES: readonly ConcreteOperation[] = [
  'Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs', 'IdempotentWrite', 'All',
];

/** AclEntry.supportedOperations per resource type (All is allowed everywhere). */
const SUPPORTED_OPERATIONS: Readonly<Record<ConcreteResourceType, readonly ConcreteOperation[]>> = {
  Topic: ['Read', 'Write', 'Create', 'Describe', 'Delete', 'Alter', 'DescribeConfigs', 'AlterConfigs'],
  Group: ['Read', 'Describe', 'Delete'],
  Cluster: ['Create', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs', 'IdempotentWrite', 'Alter', 'Describe'],
  TransactionalId: ['Describe', 'Write'],
  DelegationToken: ['Describe'],
};

const PATTERN_TYPE_NAMES: Readonly<Record<string, PatternTypeName>> = { ANY: 'Any', MATCH: 'Match', LITERAL: 'Literal', PREFIXED: 'Prefixed' };

function buildProgram(io: CliIo): Command {
  const operations = OPERATION_NAMES.map((o) => `\t${o}`).join('\n');
  return newProgram(TOOL_NAME, 'This tool helps to manage acls on Samsa (Kafka\'s kafka-acls).', io)
    .option('--bootstrap-server <host:port>', 'A list of host/port pairs to use for establishing the connection to the cluster.')
    .option('--command-config <file>', 'A property file containing configs to be passed to Admin Client.')
    .option('--add', 'Indicates you are trying to add ACLs.')
    .option('--remove', 'Indicates you are trying to remove ACLs.')
    .option('--list', 'List ACLs for the specified resource, use --topic <topic> or --group <group> or --cluster to specify a resource.')
    .option('--topic <topic>', 'topic to which ACLs should be added or removed. A value of \'*\' indicates ACL should apply to all topics (repeatable).', collect)
    .option('--cluster', 'Add/Remove cluster ACLs.')
    .option('--group <group>', 'Consumer Group to which the ACLs should be added or removed. A value of \'*\' indicates the ACLs should apply to all groups (repeatable).', collect)
    .option('--transactional-id <id>', 'The transactionalId to which ACLs should be added or removed. A value of \'*\' indicates the ACLs should apply to all transactionalIds (repeatable).', collect)
    .option('--idempotent', 'Enable idempotence for the producer. This should be used in combination with the --producer option.')
    .option('--resource-pattern-type <type>', 'The type of the resource pattern or pattern filter: literal or prefixed when adding; any, match, literal or prefixed when listing or removing.', 'LITERAL')
    .option('--operation <operation>', `Operation that is being allowed or denied (repeatable, default All). Valid operation names are:\n${operations}\n`, collect)
    .option('--allow-principal <principal>', 'principal is in principalType:name format. User:* is the wild card indicating all users (repeatable).', collect)
    .option('--deny-principal <principal>', 'principal is in principalType:name format. Deny rules take precedence over allow rules (repeatable).', collect)
    .option('--principal <principal>', 'List ACLs for the specified principal, in principalType:name format (repeatable).', collect)
    .option('--allow-host <host>', 'Host from which principals listed in --allow-principal will have access (default * with --allow-principal; repeatable).', collect)
    .option('--deny-host <host>', 'Host from which principals listed in --deny-principal will be denied access (default * with --deny-principal; repeatable).', collect)
    .option('--producer', 'Convenience option to add/remove ACLs for producer role: WRITE, DESCRIBE and CREATE on topic.')
    .option('--consumer', 'Convenience option to add/remove ACLs for consumer role: READ, DESCRIBE on topic and READ on group.')
    .option('--force', 'Assume Yes to all queries and do not prompt.');
}

export function parseAclsArgs(argv: readonly string[], io: CliIo): ToolArgs<AclCommandOptions> {
  return parseToolArgs(buildProgram(io), argv, io, TOOL_NAME, toOptions);
}

function toOptions(o: Record<string, unknown>): AclCommandOptions {
  const has = (name: string): boolean => o[name] !== undefined;
  const list = (name: string): string[] => ((o[name] as string[] | undefined) ?? []).map((s) => s.trim());
  checkArgs(has);
  const action = (['add', 'remove', 'list'] as const).find((a) => has(a))!;
  const patternType = parsePatternType(o.resourcePatternType as string);
  if (action === 'add' && patternType !== 'Literal' && patternType !== 'Prefixed') {
    throw new UsageError(`A '--resource-pattern-type' value of '${(o.resourcePatternType as string).toUpperCase()}' is not valid when adding acls.`);
  }
  const filters = resourceFilters(o, has, patternType);
  const options: AclCommandOptions = {
    action,
    bootstrapServers: parseBootstrapServers(o.bootstrapServer as string),
    commandConfig: o.commandConfig as string | undefined,
    filters,
    plan: [],
    listPrincipals: list('principal').map((p) => checkedPrincipal(p)),
    force: has('force'),
  };
  if (action === 'list') return options;
  if (filters.length === 0) {
    throw new UsageError('You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>');
  }
  options.plan = entriesPerFilter(o, has, filters, list);
  if (action === 'add' && options.plan.some((p) => p.entries.length === 0)) {
    throw new UsageError('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.');
  }
  validateOperations(options.plan);
  return options;
}

/** AclCommandOptions.checkArgs: the combinations Kafka refuses before anything else. */
function checkArgs(has: (name: string) => boolean): void {
  if (!has('bootstrapServer')) throw new UsageError('Missing required argument "[bootstrap-server]"');
  const actions = ['add', 'remove', 'list'].filter((a) => has(a)).length;
  if (actions !== 1) throw new UsageError('Command must include exactly one action: --list, --add, --remove. ');
  invalidWith(has, 'list', ['producer', 'consumer', 'allowHost', 'allowPrincipal', 'denyHost', 'denyPrincipal']);
  for (const role of ['producer', 'consumer']) invalidWith(has, role, ['operation', 'denyPrincipal', 'denyHost']);
  if (has('principal') && !has('list')) throw new UsageError('The --principal option is only available if --list is set');
  if (has('producer') && !has('topic')) throw new UsageError('With --producer you must specify a --topic');
  if (has('idempotent') && !has('producer')) throw new UsageError('The --idempotent option is only available if --producer is set');
  if (has('consumer') && (!has('topic') || !has('group') || (!has('producer') && (has('cluster') || has('transactionalId'))))) {
    throw new UsageError('With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.');
  }
}

const FLAG: Readonly<Record<string, string>> = {
  list: 'list', producer: 'producer', consumer: 'consumer', allowHost: 'allow-host', allowPrincipal: 'allow-principal',
  denyHost: 'deny-host', denyPrincipal: 'deny-principal', operation: 'operation',
};

/** CommandLineUtils.checkInvalidArgs' rule and wording. */
function invalidWith(has: (name: string) => boolean, used: string, invalid: readonly string[]): void {
  if (!has(used)) return;
  const clash = invalid.find((name) => has(name));
  if (clash) throw new UsageError(`Option "[${FLAG[used]}]" can't be used with option "[${FLAG[clash]}]"`);
}

function parsePatternType(text: string): PatternTypeName {
  const type = PATTERN_TYPE_NAMES[text.trim().toUpperCase()];
  if (!type) throw new UsageError(`Unknown resource-pattern-type: ${text}`);
  return type;
}

/** getResourceFilter: topics, the cluster (only for LITERAL), groups, transactional ids. */
function resourceFilters(o: Record<string, unknown>, has: (name: string) => boolean, patternType: PatternTypeName): ResourceFilter[] {
  const out: ResourceFilter[] = [];
  const add = (resourceType: ConcreteResourceType, name: string): void => {
    if (!out.some((f) => f.resourceType === resourceType && f.name === name)) out.push({ resourceType, name, patternType });
  };
  for (const topic of (o.topic as string[] | undefined) ?? []) add('Topic', topic.trim());
  if (patternType === 'Literal' && (has('cluster') || has('idempotent'))) add('Cluster', CLUSTER_RESOURCE_NAME);
  for (const group of (o.group as string[] | undefined) ?? []) add('Group', group.trim());
  for (const id of (o.transactionalId as string[] | undefined) ?? []) add('TransactionalId', id);
  return out;
}

/** getResourceFilterToAcls: the CLI's operations, or the --producer/--consumer expansions. */
function entriesPerFilter(o: Record<string, unknown>, has: (name: string) => boolean, filters: ResourceFilter[],
  list: (name: string) => string[]): AclCommandOptions['plan'] {
  const entries = (operations: readonly ConcreteOperation[]): AccessControlEntry[] => aclEntries(list, has, operations);
  const plan = new Map<ResourceFilter, AccessControlEntry[]>();
  const merge = (filter: ResourceFilter, more: AccessControlEntry[]): void => {
    const current = plan.get(filter) ?? [];
    plan.set(filter, [...more, ...current.filter((c) => !more.some((m) => sameEntry(m, c)))]);
  };
  if (!has('producer') && !has('consumer')) {
    const operations = list('operation').map(parseOperation);
    const cli = entries(operations.length > 0 ? dedupe(operations) : ['All']);
    for (const f of filters) plan.set(f, cli);
  }
  if (has('producer')) {
    for (const f of filters) {
      if (f.resourceType === 'Topic') plan.set(f, entries(['Write', 'Describe', 'Create']));
      if (f.resourceType === 'TransactionalId') plan.set(f, entries(['Write', 'Describe']));
    }
    const cluster = filters.find((f) => f.resourceType === 'Cluster');
    if (has('idempotent') && cluster) plan.set(cluster, entries(['IdempotentWrite']));
  }
  if (has('consumer')) {
    for (const f of filters) {
      if (f.resourceType === 'Topic') merge(f, entries(['Read', 'Describe']));
      if (f.resourceType === 'Group') merge(f, entries(['Read']));
    }
  }
  return [...plan.entries()].map(([filter, e]) => ({ filter, entries: e }));
}

/** getAcl: allowed principals x operations x hosts, then the denied ones; hosts default to `*`. */
function aclEntries(list: (name: string) => string[], has: (name: string) => boolean, operations: readonly ConcreteOperation[]): AccessControlEntry[] {
  const out: AccessControlEntry[] = [];
  const build = (principalsFlag: string, hostsFlag: string, permissionType: 'Allow' | 'Deny'): void => {
    const principals = dedupe(list(principalsFlag).map(checkedPrincipal));
    const hosts = has(hostsFlag) ? dedupe(list(hostsFlag)) : principals.length > 0 ? [WILDCARD_HOST] : [];
    for (const principal of principals) {
      for (const operation of operations) for (const host of hosts) out.push({ principal, host, operation, permissionType });
    }
  };
  build('allowPrincipal', 'allowHost', 'Allow');
  build('denyPrincipal', 'denyHost', 'Deny');
  return out;
}

/** SecurityUtils.parseKafkaPrincipal's check. */
function checkedPrincipal(text: string): string {
  const principal = parsePrincipal(text);
  if (!principal) throw new CommandError(`expected a string in format principalType:principalName but got ${text}`);
  return `${principal.type}:${principal.name}`;
}

/** Operation names as Kafka accepts them: any case, with or without underscores (`cluster_action`). */
function parseOperation(text: string): ConcreteOperation {
  const wanted = text.replace(/_/g, '').toLowerCase();
  const operation = OPERATION_NAMES.find((name) => name.toLowerCase() === wanted);
  if (!operation) throw new CommandError(`Unknown operation name: ${text}`);
  return operation;
}

/** validateOperation: every operation must be one the resource type supports, or All. */
function validateOperations(plan: AclCommandOptions['plan']): void {
  for (const { filter, entries } of plan) {
    const valid = [...SUPPORTED_OPERATIONS[filter.resourceType], 'All'];
    if (entries.some((e) => !valid.includes(e.operation))) {
      throw new UsageError(`ResourceType ${kafkaResourceTypeName(filter.resourceType)} only supports operations ${valid.join(', ')}`);
    }
  }
}

function dedupe<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
