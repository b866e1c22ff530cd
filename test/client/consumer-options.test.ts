import { expect } from 'chai';
import { consumerOptionsFromProperties, resolveConsumerOptions } from '../../lib/client/consumer-options';

const BASE = { bootstrapServers: 'localhost:9092' };

describe('client/consumer-options', () => {
  it("applies Kafka's group defaults and a consumer-<group>-<n> client id", () => {
    const o = resolveConsumerOptions({ ...BASE, groupId: 'orders' });
    expect(o).to.deep.include({
      groupId: 'orders', sessionTimeoutMs: 45000, heartbeatIntervalMs: 3000, maxPollIntervalMs: 300000,
      enableAutoCommit: true, autoCommitIntervalMs: 5000, defaultApiTimeoutMs: 60000,
    });
    expect(o.assignors.map((a) => a.name)).to.deep.equal(['range']);
    expect(o.clientId).to.match(/^consumer-orders-\d+$/);
    const plain = resolveConsumerOptions(BASE);
    expect(plain.enableAutoCommit).to.equal(false);
    expect(plain.clientId).to.match(/^consumer-\d+$/);
  });

  it('resolves assignor names, including Kafka class names, in order of preference', () => {
    const o = resolveConsumerOptions({ ...BASE, groupId: 'g', partitionAssignmentStrategy: ['sticky', 'org.apache.kafka.clients.consumer.RoundRobinAssignor'] });
    expect(o.assignors.map((a) => a.name)).to.deep.equal(['sticky', 'roundrobin']);
    expect(() => resolveConsumerOptions({ ...BASE, groupId: 'g', partitionAssignmentStrategy: ['cooperative'] })).to.throw('Samsa supports range, roundrobin, sticky and cooperative-sticky');
    const cooperative = resolveConsumerOptions({ ...BASE, groupId: 'g', partitionAssignmentStrategy: ['org.apache.kafka.clients.consumer.CooperativeStickyAssignor'] });
    expect(cooperative.assignors.map((a) => a.name)).to.deep.equal(['cooperative-sticky']);
  });

  it('takes a static member\'s group instance id, checked with Kafka\'s rules', () => {
    expect(resolveConsumerOptions({ ...BASE, groupId: 'g', groupInstanceId: 'web-1' }).groupInstanceId).to.equal('web-1');
    expect(resolveConsumerOptions({ ...BASE, groupId: 'g' }).groupInstanceId).to.equal(null);
    expect(() => resolveConsumerOptions({ ...BASE, groupId: 'g', groupInstanceId: '' })).to.throw('Invalid value "" for groupInstanceId');
    expect(() => resolveConsumerOptions({ ...BASE, groupId: 'g', groupInstanceId: 'a b' })).to.throw('groupInstanceId');
  });

  it('rejects heartbeats no faster than the session timeout, auto-commit without a group and an empty group id', () => {
    expect(() => resolveConsumerOptions({ ...BASE, groupId: 'g', sessionTimeoutMs: 3000, heartbeatIntervalMs: 3000 })).to.throw('Heartbeat must be set lower than the session timeout');
    expect(() => resolveConsumerOptions({ ...BASE, enableAutoCommit: true })).to.throw('enableAutoCommit cannot be set to true when default group id (null) is used.');
    expect(() => resolveConsumerOptions({ ...BASE, groupId: ' ' })).to.throw('The configured groupId is invalid');
  });

  it('maps the group properties from Kafka names', () => {
    const o = consumerOptionsFromProperties({
      'bootstrap.servers': 'localhost:9092', 'group.id': 'g', 'session.timeout.ms': '6000', 'heartbeat.interval.ms': '500',
      'max.poll.interval.ms': '10000', 'enable.auto.commit': 'false', 'auto.commit.interval.ms': '100',
      'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.StickyAssignor,range', 'default.api.timeout.ms': '2000',
    });
    expect(o).to.deep.include({
      groupId: 'g', sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, maxPollIntervalMs: 10000, enableAutoCommit: false,
      autoCommitIntervalMs: 100, partitionAssignmentStrategy: ['sticky', 'range'], defaultApiTimeoutMs: 2000,
    });
  });
});
