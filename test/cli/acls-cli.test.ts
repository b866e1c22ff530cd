import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { ANY_ACL_FILTER } from '../../lib/security/acl/acl-filter';
import { ZkClient } from '../../lib/zk/zk-client';
import { useOneBroker } from '../helpers/one-broker';
import { CliResult, runCli } from '../helpers/run-cli';

const topicPattern = (name: string, type = 'LITERAL'): string => `ResourcePattern(resourceType=TOPIC, name=${name}, patternType=${type})`;
const entry = (principal: string, operation: string, permission = 'ALLOW', host = '*'): string =>
  `(principal=${principal}, host=${host}, operation=${operation}, permissionType=${permission})`;
/** AclCommand's block: heading, a space-tab before the first entry, a space after the last, an empty line. */
const block = (heading: string, resource: string, entries: string[]): string => `${heading} \`${resource}\`: \n ${entries.map((e) => `\t${e}`).join('\n')} \n\n`;
const adding = (resource: string, entries: string[]): string => block('Adding ACLs for resource', resource, entries);
const current = (resource: string, entries: string[]): string => block('Current ACLs for resource', resource, entries);

describe('cli/samsa-acls', function () {
  this.timeout(60000);
  const fixture = useOneBroker({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer', 'super.users': 'User:ANONYMOUS' });
  let zk: ZkClient;
  let admin: Admin;

  const acls = (...args: string[]): Promise<CliResult> => runCli('samsa-acls', ['--bootstrap-server', fixture.native, ...args]);
  const aclsWithInput = (input: string, ...args: string[]): Promise<CliResult> =>
    runCli('samsa-acls', ['--bootstrap-server', fixture.native, ...args], { input });

  before(async () => {
    zk = await ZkClient.connect({ connectString: fixture.zk.connectString });
    admin = new Admin({ bootstrapServers: fixture.native });
    await admin.connect();
  });
  after(async () => {
    await admin?.close();
    await zk?.close();
  });

  it('adds an ACL and prints Kafka\'s Adding and Current blocks', async () => {
    const r = await acls('--add', '--allow-principal', 'User:alice', '--operation', 'Write', '--topic', 't1');
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const e = [entry('User:alice', 'WRITE')];
    expect(r.stdout).to.equal(adding(topicPattern('t1'), e) + current(topicPattern('t1'), e));
    expect(JSON.parse(String((await zk.getData('/kafka-acl/Topic/t1')).data))).to.deep.equal({
      version: 1, acls: [{ principal: 'User:alice', permissionType: 'Allow', operation: 'Write', host: '*' }],
    });
  });

  it('takes several principals, hosts and operations in any case, allow and deny', async () => {
    const r = await acls('--add', '--allow-principal', 'User:a', '--allow-principal', 'User:b', '--allow-host', '10.0.0.1',
      '--deny-principal', 'User:c', '--operation', 'read', '--operation', 'DESCRIBE_CONFIGS', '--topic', 'multi');
    expect(r.code, r.stderr).to.equal(0);
    const entries = [
      entry('User:a', 'READ', 'ALLOW', '10.0.0.1'), entry('User:a', 'DESCRIBE_CONFIGS', 'ALLOW', '10.0.0.1'),
      entry('User:b', 'READ', 'ALLOW', '10.0.0.1'), entry('User:b', 'DESCRIBE_CONFIGS', 'ALLOW', '10.0.0.1'),
      entry('User:c', 'READ', 'DENY'), entry('User:c', 'DESCRIBE_CONFIGS', 'DENY'),
    ];
    expect(r.stdout).to.equal(adding(topicPattern('multi'), entries) + current(topicPattern('multi'), entries));
    const bad = await acls('--add', '--allow-principal', 'User:a', '--operation', 'Write', '--group', 'g1');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('ResourceType GROUP only supports operations Read, Describe, Delete, All');
  });

  it('lists every ACL, one resource filter, and by --principal', async () => {
    await acls('--add', '--allow-principal', 'User:bob', '--operation', 'Read', '--topic', 't2');
    const all = await acls('--list');
    expect(all.code).to.equal(0);
    expect(all.stdout).to.include(current(topicPattern('t2'), [entry('User:bob', 'READ')]));
    expect(all.stdout).to.include(current(topicPattern('t1'), [entry('User:alice', 'WRITE')]));
    const one = await acls('--list', '--topic', 't2');
    expect(one.stdout).to.equal(current(topicPattern('t2'), [entry('User:bob', 'READ')]));
    const byPrincipal = await acls('--list', '--principal', 'User:alice');
    expect(byPrincipal.stdout).to.equal(`ACLs for principal \`User:alice\`\n${current(topicPattern('t1'), [entry('User:alice', 'WRITE')])}`);
  });

  it('expands --producer (with --idempotent) and --consumer as Kafka does', async () => {
    const producer = await acls('--add', '--allow-principal', 'User:p', '--producer', '--idempotent', '--topic', 'pt');
    expect(producer.code, producer.stderr).to.equal(0);
    const topicEntries = [entry('User:p', 'WRITE'), entry('User:p', 'DESCRIBE'), entry('User:p', 'CREATE')];
    const cluster = 'ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)';
    expect(producer.stdout).to.equal(
      adding(topicPattern('pt'), topicEntries) + adding(cluster, [entry('User:p', 'IDEMPOTENT_WRITE')])
      + current(topicPattern('pt'), topicEntries) + current(cluster, [entry('User:p', 'IDEMPOTENT_WRITE')]));

    const consumer = await acls('--add', '--allow-principal', 'User:c', '--consumer', '--topic', 'ct', '--group', 'cg');
    expect(consumer.code, consumer.stderr).to.equal(0);
    const group = 'ResourcePattern(resourceType=GROUP, name=cg, patternType=LITERAL)';
    expect(consumer.stdout).to.equal(
      adding(topicPattern('ct'), [entry('User:c', 'READ'), entry('User:c', 'DESCRIBE')]) + adding(group, [entry('User:c', 'READ')])
      + current(topicPattern('ct'), [entry('User:c', 'READ'), entry('User:c', 'DESCRIBE')]) + current(group, [entry('User:c', 'READ')]));
  });

  it('adds PREFIXED ACLs and lists them with --resource-pattern-type match', async () => {
    const r = await acls('--add', '--allow-principal', 'User:x', '--operation', 'Read', '--topic', 'pay-', '--resource-pattern-type', 'prefixed');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include(adding(topicPattern('pay-', 'PREFIXED'), [entry('User:x', 'READ')]));
    expect(await zk.exists('/kafka-acl-extended/prefixed/Topic/pay-')).to.not.equal(null);
    const matched = await acls('--list', '--topic', 'pay-eu', '--resource-pattern-type', 'match');
    expect(matched.stdout).to.equal(current(topicPattern('pay-', 'PREFIXED'), [entry('User:x', 'READ')]));
    const literal = await acls('--list', '--topic', 'pay-eu');
    expect(literal.stdout).to.equal('');
  });

  it('asks before removing and removes only on y', async () => {
    await acls('--add', '--allow-principal', 'User:r', '--operation', 'Read', '--topic', 'rt');
    const question = `Are you sure you want to remove ACLs: \n \t${entry('User:r', 'READ')} \n from resource filter \`${topicPattern('rt')}\`? (y/n)\n`;
    const no = await aclsWithInput('n\n', '--remove', '--allow-principal', 'User:r', '--operation', 'Read', '--topic', 'rt');
    expect(no.code, no.stderr).to.equal(0);
    expect(no.stdout).to.equal(question + current(topicPattern('rt'), [entry('User:r', 'READ')]));
    const yes = await aclsWithInput('y\n', '--remove', '--allow-principal', 'User:r', '--operation', 'Read', '--topic', 'rt');
    expect(yes.code, yes.stderr).to.equal(0);
    expect(yes.stdout).to.equal(question);
    expect(await zk.exists('/kafka-acl/Topic/rt')).to.equal(null);
  });

  it('removes every ACL of a resource with --force and no principal', async () => {
    await acls('--add', '--allow-principal', 'User:f', '--deny-principal', 'User:g', '--operation', 'Read', '--topic', 'ft');
    expect(await admin.describeAcls({ ...ANY_ACL_FILTER, name: 'ft' })).to.have.length(2);
    const r = await acls('--remove', '--force', '--topic', 'ft');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('');
    expect(await admin.describeAcls({ ...ANY_ACL_FILTER, name: 'ft' })).to.deep.equal([]);
  });

  it('refuses bad input with a clear error, exit code 1 and nothing written', async () => {
    const before = await admin.describeAcls(ANY_ACL_FILTER);
    const cases: Array<[string[], RegExp]> = [
      [['--add', '--allow-principal', 'User:z', '--operation', 'Read'], /You must provide at least one resource/],
      [['--add', '--topic', 'bad'], /You must specify one of: --allow-principal, --deny-principal when trying to add ACLs/],
      [['--add', '--allow-principal', 'User:z', '--operation', 'Fly', '--topic', 'bad'], /Unknown operation name: Fly/],
      [['--add', '--allow-principal', 'User:z', '--operation', 'Read', '--cluster'],
        /ResourceType CLUSTER only supports operations Create, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, Alter, Describe, All/],
      [['--add', '--allow-principal', 'User:z', '--consumer', '--topic', 'bad'], /With --consumer you must specify a --topic and a --group/],
      [['--add', '--allow-principal', 'User:z', '--producer'], /With --producer you must specify a --topic/],
      [['--add', '--allow-principal', 'alice', '--topic', 'bad'], /expected a string in format principalType:principalName but got alice/],
      [['--add', '--allow-principal', 'User:z', '--topic', 'bad', '--resource-pattern-type', 'match'], /value of 'MATCH' is not valid when adding acls/],
      [['--add', '--list', '--topic', 'bad'], /exactly one action/],
      [['--list', '--allow-principal', 'User:z'], /Option "\[list\]" can't be used with option "\[allow-principal\]"/],
      [['--list', '--resource-pattern-type', 'weird'], /Unknown resource-pattern-type: weird/],
    ];
    for (const [args, message] of cases) {
      const r = await acls(...args);
      expect(r.code, args.join(' ')).to.equal(1);
      expect(r.stderr, args.join(' ')).to.match(message);
    }
    const noServer = await runCli('samsa-acls', ['--list']);
    expect(noServer.code).to.equal(1);
    expect(noServer.stderr).to.match(/bootstrap-server/);
    expect(await admin.describeAcls(ANY_ACL_FILTER)).to.deep.equal(before);
  });
});
