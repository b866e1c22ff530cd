/**
 * The errors a group consumer raises that have no wire code of their own, worded as Kafka's
 * consumer words them so people can search for the message they see.
 *
 * They reuse the code of the nearest wire error (so code-based handling keeps working) and carry
 * their own name: NO_OFFSET_FOR_PARTITION is Kafka's NoOffsetForPartitionException, a sibling of
 * OFFSET_OUT_OF_RANGE; COMMIT_FAILED is Kafka's CommitFailedException.
 */
import { ErrorCode, ErrorDefinition, SamsaError } from '../protocol/errors';
import { IllegalStateError, userError } from './client-errors';
import { TopicPartition } from './partition-state';

export const NO_OFFSET_FOR_PARTITION: ErrorDefinition = {
  ...ErrorCode.OFFSET_OUT_OF_RANGE, name: 'NO_OFFSET_FOR_PARTITION', message: 'Undefined offset with no reset policy.',
};

export const COMMIT_FAILED: ErrorDefinition = {
  ...ErrorCode.REBALANCE_IN_PROGRESS, name: 'COMMIT_FAILED', retriable: false,
  message: 'Commit cannot be completed since the group has already rebalanced.',
};

export function noOffsetError(partitions: readonly TopicPartition[]): SamsaError {
  const names = partitions.map((tp) => `${tp.topic}-${tp.partition}`).join(', ');
  return userError(NO_OFFSET_FOR_PARTITION, `Undefined offset with no reset policy for partitions: [${names}]`);
}

export function commitFailedError(): SamsaError {
  return userError(COMMIT_FAILED,
    'Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member. ' +
    'This means that the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, ' +
    'which typically implies that the poll loop is spending too much time message processing. You can address this ' +
    'either by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records.');
}

export function missingGroupIdError(): SamsaError {
  return userError(ErrorCode.INVALID_GROUP_ID,
    'To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.');
}

export function mixedSubscriptionError(): SamsaError {
  return new IllegalStateError('Subscription to topics, partitions and pattern are mutually exclusive');
}
