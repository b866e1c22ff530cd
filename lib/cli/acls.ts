/**
 * `samsa-acls`: Kafka's kafka-acls tool for Samsa — add, remove and list ACLs through a broker
 * (`--bootstrap-server`), which stores them in ZooKeeper where every broker's authorizer reads
 * them. Flags, confirmation question and output are Kafka 2.8 AclCommand's, so scripts written
 * for kafka-acls work unchanged; failures print `Error while executing ACL command: <reason>` and
 * exit with code 1.
 */
import * as readline from 'readline';
import { Admin } from '../client/admin';
import { ANY_ACL_FILTER, sameEntry, samePattern } from '../security/acl/acl-filter';
import { AccessControlEntry, AclBinding, AclBindingFilter, ConcretePatternType, ResourcePattern } from '../security/acl/acl-types';
import { addingBlock, currentBlock, removeQuestion } from './acls-format';
import { AclCommandOptions, ResourceFilter, parseAclsArgs } from './acls-options';
import { connectPatiently } from './connect-retry';
import { CliIo, clientOptionsFromProperties, errorMessage, loadClientProperties, printUsageError, processIo, runMain, UsageError } from './options';

/** How long the tool keeps trying to reach a broker that is not up yet. */
const CONNECT_DEADLINE_MS = 15000;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseAclsArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  let admin: Admin;
  try {
    const options = clientOptionsFromProperties(loadClientProperties(opts.commandConfig), opts.bootstrapServers);
    options.clientId ??= 'samsa-acls';
    admin = new Admin(options);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    printUsageError(io, 'samsa-acls', err.message);
    return 1;
  }
  const answers = confirmations(io);
  try {
    await connectPatiently(() => admin.connect(), Date.now() + CONNECT_DEADLINE_MS);
    if (opts.action === 'add') await addAcls(admin, opts, io);
    if (opts.action === 'remove') await removeAcls(admin, opts, io, answers);
    await listAcls(admin, opts, io);
    return 0;
  } catch (err) {
    io.err(`Error while executing ACL command: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    answers.close();
    await admin.close().catch(() => undefined);
  }
}

async function addAcls(admin: Admin, opts: AclCommandOptions, io: CliIo): Promise<void> {
  for (const { filter, entries } of opts.plan) {
    const pattern: ResourcePattern = { resourceType: filter.resourceType, name: filter.name, patternType: filter.patternType as ConcretePatternType };
    io.out(addingBlock(pattern, entries));
    await admin.createAcls(entries.map((entry) => ({ pattern, entry })));
  }
}

async function removeAcls(admin: Admin, opts: AclCommandOptions, io: CliIo, answers: Confirmations): Promise<void> {
  for (const { filter, entries } of opts.plan) {
    if (!opts.force) {
      io.out(removeQuestion(filter, entries));
      if ((await answers.next())?.trim().toLowerCase() !== 'y') continue;
    }
    // Kafka's AclBindingFilter(resource filter, entry.toFilter) per entry; no entries: every ACL of the resources.
    const resource = resourceFilter(filter);
    await admin.deleteAcls(entries.length === 0 ? [resource] : entries.map((entry) => ({ ...resource, ...entry })));
  }
}

/** Kafka's listing after every action: the named resources' ACLs (every ACL when none is named), per resource. */
async function listAcls(admin: Admin, opts: AclCommandOptions, io: CliIo): Promise<void> {
  const filters = opts.filters.length === 0 ? [ANY_ACL_FILTER] : opts.filters.map(resourceFilter);
  const bindings: AclBinding[] = [];
  for (const filter of filters) bindings.push(...await admin.describeAcls(filter));
  const groups = byResource(bindings);
  if (opts.listPrincipals.length === 0) {
    for (const [pattern, entries] of groups) io.out(currentBlock(pattern, entries));
    return;
  }
  for (const principal of opts.listPrincipals) {
    io.out(`ACLs for principal \`${principal}\`\n`);
    for (const [pattern, entries] of groups) {
      const mine = entries.filter((e) => e.principal === principal);
      if (mine.length > 0) io.out(currentBlock(pattern, mine));
    }
  }
}

function resourceFilter(f: ResourceFilter): AclBindingFilter {
  return { ...ANY_ACL_FILTER, resourceType: f.resourceType, name: f.name, patternType: f.patternType };
}

function byResource(bindings: readonly AclBinding[]): Array<[ResourcePattern, AccessControlEntry[]]> {
  const out: Array<[ResourcePattern, AccessControlEntry[]]> = [];
  for (const { pattern, entry } of bindings) {
    let group = out.find(([p]) => samePattern(p, pattern));
    if (!group) {
      group = [pattern, []];
      out.push(group);
    }
    if (!group[1].some((e) => sameEntry(e, entry))) group[1].push(entry);
  }
  return out;
}

interface Confirmations {
  /** The next line of stdin, or null at its end. */
  next(): Promise<string | null>;
  close(): void;
}

/** Answers to `(y/n)` questions, one stdin line each, read only when a question is asked. */
function confirmations(io: CliIo): Confirmations {
  let lines: AsyncIterator<string> | null = null;
  let rl: readline.Interface | null = null;
  return {
    async next() {
      if (!lines) {
        rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
        lines = rl[Symbol.asyncIterator]();
      }
      const { value, done } = await lines.next();
      return done ? null : value;
    },
    close() {
      rl?.close();
    },
  };
}

if (require.main === module) runMain((argv) => main(argv));
