import { expect } from 'chai';
import { parseAclsArgs } from '../../lib/cli/acls-options';
import { captureIo } from './capture-io';

const parse = (...args: string[]) => {
  const io = captureIo();
  const parsed = parseAclsArgs(['--bootstrap-server', 'localhost:9092', ...args], io);
  return { parsed, stderr: io.stderrText() };
};
const plan = (...args: string[]): string[] => {
  const { parsed, stderr } = parse(...args);
  if (!parsed.ok) throw new Error(stderr);
  return parsed.options.plan.map(({ filter, entries }) =>
    `${filter.resourceType}:${filter.name}:${filter.patternType} ${entries.map((e) => `${e.permissionType}/${e.principal}/${e.host}/${e.operation}`).join(',')}`);
};

describe('cli/samsa-acls options', () => {
  it('expands --producer over topics, then transactional ids, then --idempotent onto the cluster (Kafka\'s order)', () => {
    expect(plan('--add', '--allow-principal', 'User:p', '--producer', '--idempotent', '--topic', 't', '--transactional-id', 'tx')).to.deep.equal([
      'Topic:t:Literal Allow/User:p/*/Write,Allow/User:p/*/Describe,Allow/User:p/*/Create',
      'TransactionalId:tx:Literal Allow/User:p/*/Write,Allow/User:p/*/Describe',
      'Cluster:kafka-cluster:Literal Allow/User:p/*/IdempotentWrite',
    ]);
  });

  it('merges --producer and --consumer on the same topic, consumer entries first', () => {
    expect(plan('--add', '--allow-principal', 'User:x', '--producer', '--consumer', '--topic', 't', '--group', 'g')).to.deep.equal([
      'Topic:t:Literal Allow/User:x/*/Read,Allow/User:x/*/Describe,Allow/User:x/*/Write,Allow/User:x/*/Create',
      'Group:g:Literal Allow/User:x/*/Read',
    ]);
  });

  it('defaults the operation to All and the hosts to * for the principals given', () => {
    expect(plan('--add', '--deny-principal', 'User:d', '--deny-host', '10.1.1.1', '--allow-principal', 'User:a', '--topic', '*'))
      .to.deep.equal(['Topic:*:Literal Allow/User:a/*/All,Deny/User:d/10.1.1.1/All']);
  });

  it('leaves the cluster out of non-literal filters, as Kafka does', () => {
    const { parsed } = parse('--list', '--cluster', '--resource-pattern-type', 'any');
    expect(parsed.ok && parsed.options.filters).to.deep.equal([]);
  });

  it('refuses --principal outside --list and --operation with --producer', () => {
    expect(parse('--add', '--allow-principal', 'User:a', '--principal', 'User:a', '--topic', 't').stderr)
      .to.contain('The --principal option is only available if --list is set');
    expect(parse('--add', '--allow-principal', 'User:a', '--producer', '--operation', 'Read', '--topic', 't').stderr)
      .to.contain('Option "[producer]" can\'t be used with option "[operation]"');
    expect(parse('--add', '--allow-principal', 'User:a', '--idempotent', '--topic', 't').stderr)
      .to.contain('The --idempotent option is only available if --producer is set');
  });
});
