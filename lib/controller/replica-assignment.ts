/**
 * Kafka's rack-unaware replica placement: which brokers hold each partition of a new topic (or of
 * partitions added to one).
 *
 * Shared by the controller (auto-created topics, CreateTopics, CreatePartitions) and by
 * `samsa-topics --zookeeper`, which writes assignments straight into ZooKeeper. Keeping Kafka's
 * exact algorithm means a layout computed here matches what operators see from Kafka:
 *   - replica 0 of partition p is broker[(p + startIndex) % n], so leaders go round-robin from a
 *     random start and spread evenly;
 *   - follower j sits at a shift of 1 + (replicaShift + j) % (n - 1) from the leader, never on the
 *     leader itself, and the shift grows by one after every n partitions so that two partitions
 *     led by the same broker do not always share the same followers.
 * The function has no I/O; the only nondeterminism is the random start, which callers can fix.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';

/**
 * @param brokerIds live broker ids; sorted ascending internally (Kafka sorts broker metadata by id)
 * @param fixedStartIndex start position in the broker list for both the first replica and the
 *   follower shift; random when omitted or negative (Kafka's -1)
 * @param startPartitionId id of the first partition to place (existing partition count when
 *   adding partitions); 0 when omitted or negative
 * @param random source of randomness for the start positions, for deterministic tests
 */
export function assignReplicasToBrokers(
  brokerIds: readonly number[],
  nPartitions: number,
  replicationFactor: number,
  fixedStartIndex = -1,
  startPartitionId = -1,
  random: () => number = Math.random,
): Map<number, number[]> {
  if (!Number.isInteger(nPartitions) || nPartitions <= 0) {
    throw new SamsaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
  }
  if (!Number.isInteger(replicationFactor) || replicationFactor <= 0) {
    throw new SamsaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
  }
  const brokers = [...new Set(brokerIds)].sort((a, b) => a - b);
  if (replicationFactor > brokers.length) {
    throw new SamsaError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`,
    );
  }
  const n = brokers.length;
  const randomIndex = (): number => Math.min(n - 1, Math.floor(random() * n));
  const startIndex = fixedStartIndex >= 0 ? fixedStartIndex : randomIndex();
  let replicaShift = fixedStartIndex >= 0 ? fixedStartIndex : randomIndex();
  let partitionId = Math.max(0, startPartitionId);

  const assignment = new Map<number, number[]>();
  for (let i = 0; i < nPartitions; i++) {
    if (partitionId > 0 && partitionId % n === 0) replicaShift += 1;
    const firstReplicaIndex = (partitionId + startIndex) % n;
    const replicas = [brokers[firstReplicaIndex]];
    for (let j = 0; j < replicationFactor - 1; j++) {
      replicas.push(brokers[followerIndex(firstReplicaIndex, replicaShift, j, n)]);
    }
    assignment.set(partitionId, replicas);
    partitionId += 1;
  }
  return assignment;
}

/** Position of follower `j`: a shift in [1, n-1] from the leader, so never the leader itself. */
function followerIndex(firstReplicaIndex: number, replicaShift: number, j: number, n: number): number {
  const shift = 1 + ((replicaShift + j) % (n - 1));
  return (firstReplicaIndex + shift) % n;
}
