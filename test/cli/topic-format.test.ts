import { expect } from 'chai';
import type { TopicDescription } from '../../lib/client/admin';
import { describeTopicLines, formatPartitionLine, formatTopicLine } from '../../lib/cli/topic-format';

function partition(p: number, leader: number, replicas: number[], isr: number[]) {
  return { partition: p, leader, leaderEpoch: 0, replicas, isr, offlineReplicas: [] };
}

const orders: TopicDescription = {
  name: 'orders',
  internal: false,
  // Deliberately out of order: the output must be sorted by partition.
  partitions: [partition(1, 2, [2, 3], [2]), partition(0, 1, [1, 2], [1, 2]), partition(2, -1, [3, 1], [3])],
  configs: { 'retention.ms': '1000', 'cleanup.policy': 'compact' },
};

describe('cli/topic-format', () => {
  it("prints the topic line exactly as Kafka's TopicCommand, configs sorted by key", () => {
    expect(formatTopicLine(orders)).to.equal(
      'Topic: orders\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,retention.ms=1000',
    );
  });

  it('prints an empty Configs field when the topic has no overrides', () => {
    expect(formatTopicLine({ ...orders, configs: {} })).to.equal('Topic: orders\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: ');
  });

  it('prints partition lines with a leading tab and comma-separated replica lists', () => {
    expect(formatPartitionLine('orders', partition(0, 1, [1, 2], [1, 2]))).to.equal(
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2',
    );
  });

  it('prints Leader: none when the partition has no leader', () => {
    expect(formatPartitionLine('orders', partition(2, -1, [3, 1], [3]))).to.equal(
      '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1\tIsr: 3',
    );
  });

  it('describes a topic as its topic line followed by partitions in order', () => {
    expect(describeTopicLines(orders)).to.deep.equal([
      'Topic: orders\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,retention.ms=1000',
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2',
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2',
      '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1\tIsr: 3',
    ]);
  });

  it('shows only under-replicated partitions, without the topic line, for --under-replicated-partitions', () => {
    expect(describeTopicLines(orders, { underReplicated: true })).to.deep.equal([
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2',
      '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1\tIsr: 3',
    ]);
  });

  it('counts a leader that is not a live broker as unavailable', () => {
    const lines = describeTopicLines(orders, { unavailable: true, liveBrokers: new Set([1, 3]) });
    expect(lines).to.deep.equal([
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2',
      '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1\tIsr: 3',
    ]);
  });

  it('prints nothing for a healthy topic under a partition filter', () => {
    const healthy: TopicDescription = { ...orders, partitions: [partition(0, 1, [1, 2], [1, 2])] };
    expect(describeTopicLines(healthy, { underReplicated: true, unavailable: true, liveBrokers: new Set([1, 2]) })).to.deep.equal([]);
  });
});
