import { expect } from 'chai';
import {
  decide, DecisionOptions, hostMatches, normalizeHost, operationsAllowing, parseSuperUsers, patternMatches, principalMatches, somePatternAllows,
} from '../../../lib/security/acl/acl-match';
import { AclBinding, AuthorizationRequest, ConcreteOperation, ConcretePatternType, ConcretePermission } from '../../../lib/security/acl/acl-types';

function acl(name: string, operation: ConcreteOperation, permissionType: ConcretePermission = 'Allow',
  { principal = 'User:alice', host = '*', patternType = 'Literal' as ConcretePatternType } = {}): AclBinding {
  return { pattern: { resourceType: 'Topic', name, patternType }, entry: { principal, host, operation, permissionType } };
}

function ask(operation: ConcreteOperation, name = 't', principal = 'alice', clientHost = '10.0.0.1'): AuthorizationRequest {
  return { principal: { type: 'User', name: principal }, clientHost, operation, resource: { resourceType: 'Topic', name } };
}

const STRICT: DecisionOptions = { superUsers: new Set(), allowEveryoneIfNoAclFound: false };

describe('security/acl/acl-match', () => {
  it('matches a literal pattern by exact name or *, a prefixed one by prefix, never across resource types', () => {
    const t = { resourceType: 'Topic' as const, name: 'orders-eu' };
    expect(patternMatches({ resourceType: 'Topic', name: 'orders-eu', patternType: 'Literal' }, t)).to.equal(true);
    expect(patternMatches({ resourceType: 'Topic', name: '*', patternType: 'Literal' }, t)).to.equal(true);
    expect(patternMatches({ resourceType: 'Topic', name: 'orders', patternType: 'Literal' }, t)).to.equal(false);
    expect(patternMatches({ resourceType: 'Topic', name: 'orders', patternType: 'Prefixed' }, t)).to.equal(true);
    expect(patternMatches({ resourceType: 'Topic', name: 'orders-us', patternType: 'Prefixed' }, t)).to.equal(false);
    expect(patternMatches({ resourceType: 'Group', name: 'orders-eu', patternType: 'Literal' }, t)).to.equal(false);
  });

  it('matches the principal exactly or through User:*, and the host exactly or through *', () => {
    expect(principalMatches('User:alice', 'User:alice')).to.equal(true);
    expect(principalMatches('User:*', 'User:bob')).to.equal(true);
    expect(principalMatches('User:alice', 'User:bob')).to.equal(false);
    expect(hostMatches('*', '10.0.0.1')).to.equal(true);
    expect(hostMatches('10.0.0.1', '10.0.0.1')).to.equal(true);
    expect(hostMatches('10.0.0.2', '10.0.0.1')).to.equal(false);
    expect(normalizeHost('::ffff:127.0.0.1')).to.equal('127.0.0.1');
    expect(normalizeHost('::1')).to.equal('::1');
  });

  it('widens only ALLOWs: Read, Write, Delete and Alter imply Describe; AlterConfigs implies DescribeConfigs', () => {
    expect(operationsAllowing('Describe')).to.have.members(['Describe', 'Read', 'Write', 'Delete', 'Alter']);
    expect(operationsAllowing('DescribeConfigs')).to.have.members(['DescribeConfigs', 'AlterConfigs']);
    expect(operationsAllowing('Read')).to.deep.equal(['Read']);
    for (const op of ['Read', 'Write', 'Delete', 'Alter'] as const) expect(decide([acl('t', op)], ask('Describe'), STRICT).allowed, op).to.equal(true);
    expect(decide([acl('t', 'Create')], ask('Describe'), STRICT).allowed).to.equal(false);
    expect(decide([acl('t', 'AlterConfigs')], ask('DescribeConfigs'), STRICT).allowed).to.equal(true);
    expect(decide([acl('t', 'Describe')], ask('Read'), STRICT).allowed).to.equal(false);
    // A DENY on Read does not deny Describe (Kafka's denyAclExists is not widened).
    expect(decide([acl('t', 'Read', 'Deny'), acl('t', 'Describe')], ask('Describe'), STRICT).allowed).to.equal(true);
  });

  it('lets a DENY win over an ALLOW, and All stand for every operation on both sides', () => {
    expect(decide([acl('t', 'Write'), acl('t', 'Write', 'Deny')], ask('Write'), STRICT)).to.deep.equal({ allowed: false, reason: 'deny-acl' });
    expect(decide([acl('t', 'All')], ask('Alter'), STRICT).allowed).to.equal(true);
    expect(decide([acl('t', 'All'), acl('*', 'All', 'Deny', { principal: 'User:*' })], ask('Read'), STRICT).allowed).to.equal(false);
    expect(decide([acl('t', 'Read')], ask('Write'), STRICT)).to.deep.equal({ allowed: false, reason: 'no-allow-acl' });
  });

  it('applies an ACL only to its principal (or User:*) and host (or *)', () => {
    expect(decide([acl('t', 'Read', 'Allow', { principal: 'User:*' })], ask('Read', 't', 'bob'), STRICT).allowed).to.equal(true);
    expect(decide([acl('t', 'Read')], ask('Read', 't', 'bob'), STRICT).allowed).to.equal(false);
    expect(decide([acl('t', 'Read', 'Allow', { host: '10.0.0.1' })], ask('Read'), STRICT).allowed).to.equal(true);
    expect(decide([acl('t', 'Read', 'Allow', { host: '10.0.0.2' })], ask('Read'), STRICT).allowed).to.equal(false);
    expect(decide([acl('t', 'Read', 'Allow', { host: '127.0.0.1' })], ask('Read', 't', 'alice', '::ffff:127.0.0.1'), STRICT).allowed).to.equal(true);
    // A DENY for another host does not refuse this one.
    expect(decide([acl('t', 'Read'), acl('t', 'Read', 'Deny', { host: '10.9.9.9' })], ask('Read'), STRICT).allowed).to.equal(true);
  });

  it('always allows super users, even against a DENY', () => {
    const options = { ...STRICT, superUsers: new Set(parseSuperUsers('User:admin; User:bob')) };
    expect(decide([acl('t', 'All', 'Deny', { principal: 'User:*' })], ask('Write', 't', 'bob'), options)).to.deep.equal({ allowed: true, reason: 'super-user' });
    expect(decide([], ask('Write', 't', 'carol'), options).allowed).to.equal(false);
  });

  it('with no matching ACL at all, answers allow.everyone.if.no.acl.found; any ACL on the resource turns it off', () => {
    expect(decide([], ask('Read'), STRICT)).to.deep.equal({ allowed: false, reason: 'no-acls' });
    const open = { ...STRICT, allowEveryoneIfNoAclFound: true };
    expect(decide([], ask('Read'), open)).to.deep.equal({ allowed: true, reason: 'no-acls-allow-everyone' });
    expect(decide([acl('t', 'Write', 'Allow', { principal: 'User:bob' })], ask('Read'), open).allowed).to.equal(false);
  });

  it('parses super.users as semicolon-separated principals, blanks ignored', () => {
    expect(parseSuperUsers('User:admin;User:bob; ;')).to.deep.equal(['User:admin', 'User:bob']);
    expect(parseSuperUsers('')).to.deep.equal([]);
  });

  it('finds some undominated ALLOW of a resource type, as Kafka\'s authorizeByResourceType', () => {
    expect(somePatternAllows([acl('t', 'Write')], 'Write', 'User:alice', '1.2.3.4')).to.equal(true);
    expect(somePatternAllows([acl('t', 'Read')], 'Write', 'User:alice', '1.2.3.4')).to.equal(false);
    expect(somePatternAllows([acl('t', 'Write'), acl('t', 'Write', 'Deny')], 'Write', 'User:alice', '1.2.3.4')).to.equal(false);
    expect(somePatternAllows([acl('t', 'Write'), acl('*', 'Write', 'Deny')], 'Write', 'User:alice', '1.2.3.4')).to.equal(false);
    expect(somePatternAllows([acl('abc', 'Write', 'Allow', { patternType: 'Prefixed' }), acl('ab', 'All', 'Deny', { patternType: 'Prefixed' })], 'Write', 'User:alice', '1.2.3.4')).to.equal(false);
    expect(somePatternAllows([acl('abc', 'Write'), acl('abd', 'Write', 'Deny', { patternType: 'Prefixed' })], 'Write', 'User:alice', '1.2.3.4')).to.equal(true);
    expect(somePatternAllows([acl('*', 'Write', 'Allow', { principal: 'User:*' })], 'Write', 'User:bob', '1.2.3.4')).to.equal(true);
  });
});
