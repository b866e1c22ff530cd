import { expect } from 'chai';
import {
  ANY_ACL_FILTER, exactFilter, filterMatches, filterMatchesPattern, invalidFilterReason, validateCreation,
} from '../../../lib/security/acl/acl-filter';
import { AclBinding, AclBindingFilter, ResourcePattern } from '../../../lib/security/acl/acl-types';

const literal = (name: string): ResourcePattern => ({ resourceType: 'Topic', name, patternType: 'Literal' });
const prefixed = (name: string): ResourcePattern => ({ resourceType: 'Topic', name, patternType: 'Prefixed' });
const topicFilter = (name: string | null, patternType: AclBindingFilter['patternType']): AclBindingFilter =>
  ({ ...ANY_ACL_FILTER, resourceType: 'Topic', name, patternType });
const binding: AclBinding = {
  pattern: literal('orders'),
  entry: { principal: 'User:alice', host: '*', operation: 'Read', permissionType: 'Allow' },
};

describe('security/acl/acl-filter', () => {
  it('MATCH selects the exact literal, the literal wildcard and every prefix of the name', () => {
    const f = topicFilter('orders-eu', 'Match');
    expect(filterMatchesPattern(f, literal('orders-eu'))).to.equal(true);
    expect(filterMatchesPattern(f, literal('*'))).to.equal(true);
    expect(filterMatchesPattern(f, prefixed('orders'))).to.equal(true);
    expect(filterMatchesPattern(f, prefixed('orders-eu'))).to.equal(true);
    expect(filterMatchesPattern(f, literal('orders'))).to.equal(false);
    expect(filterMatchesPattern(f, prefixed('orders-eu-1'))).to.equal(false);
    expect(filterMatchesPattern(f, { ...literal('orders-eu'), resourceType: 'Group' })).to.equal(false);
  });

  it('LITERAL and PREFIXED select only their own pattern type with the exact name; ANY any type with the exact name', () => {
    expect(filterMatchesPattern(topicFilter('t', 'Literal'), literal('t'))).to.equal(true);
    expect(filterMatchesPattern(topicFilter('t', 'Literal'), prefixed('t'))).to.equal(false);
    expect(filterMatchesPattern(topicFilter('t', 'Literal'), literal('*'))).to.equal(false);
    expect(filterMatchesPattern(topicFilter('t', 'Prefixed'), prefixed('t'))).to.equal(true);
    expect(filterMatchesPattern(topicFilter('tx', 'Prefixed'), prefixed('t'))).to.equal(false);
    expect(filterMatchesPattern(topicFilter('t', 'Any'), prefixed('t'))).to.equal(true);
    expect(filterMatchesPattern(topicFilter('t', 'Any'), literal('t'))).to.equal(true);
    expect(filterMatchesPattern(topicFilter('t', 'Any'), literal('*'))).to.equal(false);
    expect(filterMatchesPattern(topicFilter(null, 'Prefixed'), prefixed('x'))).to.equal(true);
    expect(filterMatchesPattern(topicFilter(null, 'Prefixed'), literal('x'))).to.equal(false);
  });

  it('matches entries field by field, null and Any matching everything', () => {
    expect(filterMatches(ANY_ACL_FILTER, binding)).to.equal(true);
    expect(filterMatches({ ...ANY_ACL_FILTER, principal: 'User:alice', host: '*' }, binding)).to.equal(true);
    expect(filterMatches({ ...ANY_ACL_FILTER, principal: 'User:bob' }, binding)).to.equal(false);
    expect(filterMatches({ ...ANY_ACL_FILTER, host: '10.0.0.1' }, binding)).to.equal(false);
    expect(filterMatches({ ...ANY_ACL_FILTER, operation: 'Write' }, binding)).to.equal(false);
    expect(filterMatches({ ...ANY_ACL_FILTER, operation: 'Read' }, binding)).to.equal(true);
    expect(filterMatches({ ...ANY_ACL_FILTER, permissionType: 'Deny' }, binding)).to.equal(false);
    expect(filterMatches(exactFilter(binding), binding)).to.equal(true);
    expect(filterMatches(exactFilter(binding), { ...binding, entry: { ...binding.entry, operation: 'Write' } })).to.equal(false);
  });

  it('refuses filters with UNKNOWN elements', () => {
    expect(invalidFilterReason(ANY_ACL_FILTER)).to.equal(undefined);
    expect(invalidFilterReason({ ...ANY_ACL_FILTER, operation: 'Unknown' })).to.match(/UNKNOWN/);
    expect(invalidFilterReason({ ...ANY_ACL_FILTER, patternType: 'Unknown' })).to.match(/UNKNOWN/);
  });

  it('validates creations as Kafka does', () => {
    const ok = { resourceType: 'Topic', name: 't', patternType: 'Prefixed', principal: 'User:alice', host: '*', operation: 'Write', permissionType: 'Allow' };
    const good = validateCreation(ok);
    expect(good.ok).to.equal(true);
    if (good.ok) expect(good.binding.pattern).to.deep.equal(prefixed('t'));
    for (const bad of [
      { resourceType: 'Any' }, { resourceType: 'Unknown' }, { patternType: 'Match' }, { patternType: 'Any' },
      { operation: 'Any' }, { operation: 'Unknown' }, { permissionType: 'Any' }, { principal: 'alice' }, { principal: ':x' },
      { name: '' }, { resourceType: 'Cluster', name: 'c' },
    ]) {
      const result = validateCreation({ ...ok, ...bad });
      expect(result.ok, JSON.stringify(bad)).to.equal(false);
    }
    expect(validateCreation({ ...ok, resourceType: 'Cluster', name: 'kafka-cluster', operation: 'IdempotentWrite' }).ok).to.equal(true);
  });
});
