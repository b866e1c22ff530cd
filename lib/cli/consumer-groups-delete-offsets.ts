/**
 * `samsa-consumer-groups --delete-offsets --group g --topic t[:p,...]`: removes a group's committed
 * offsets with the OffsetDelete API, printing what Kafka's ConsumerGroupCommand.deleteOffsets
 * prints — a line for the request as a whole, then `TOPIC PARTITION STATUS` per partition.
 *
 * A topic named without partitions means all of its partitions; one that cannot be described is
 * listed with partition `Not Provided` and its error. Where Kafka prints an error and exits 0 this
 * tool prints the error on stderr and exits 1 (the table still goes to stdout).
 */
import type { DeleteOffsetsResult } from '../client/admin-groups';
import type { TopicPartition } from '../client/partition-state';
import { ErrorCode, SamsaError } from '../protocol/errors';
import type { TopicScope } from './consumer-groups-options';
import { CliIo, errorMessage } from './options';

/** The admin calls --delete-offsets makes. */
export interface DeleteOffsetsBackend {
  describeTopics(names: string[]): Promise<Array<{ name: string; partitions: Array<{ partition: number }> }>>;
  deleteConsumerGroupOffsets(groupId: string, partitions: TopicPartition[]): Promise<DeleteOffsetsResult>;
}

interface Outcome {
  topic: string;
  /** -1: the topic's partitions could not be listed. */
  partition: number;
  error: SamsaError | null;
}

const PARTITION_LEVEL = new Set([
  ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC.code, ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code,
]);

export async function deleteOffsets(backend: DeleteOffsetsBackend, groupId: string, scopes: readonly TopicScope[], io: CliIo): Promise<number> {
  const outcomes: Outcome[] = [];
  const partitions: TopicPartition[] = [];
  for (const s of scopes) {
    if (s.partitions !== null) {
      for (const partition of s.partitions) partitions.push({ topic: s.topic, partition });
      continue;
    }
    try {
      const [described] = await backend.describeTopics([s.topic]);
      for (const p of described.partitions) partitions.push({ topic: s.topic, partition: p.partition });
    } catch (err) {
      outcomes.push({ topic: s.topic, partition: -1, error: err instanceof SamsaError ? err : new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage(err)) });
    }
  }
  const result = partitions.length > 0 ? await backend.deleteConsumerGroupOffsets(groupId, partitions) : { groupError: null, partitions: [] };
  outcomes.push(...result.partitions);
  const firstError = result.groupError ?? outcomes.find((o) => o.error !== null)?.error ?? null;
  if (firstError === null) {
    io.out(`Request succeed for deleting offsets with topic ${scopes.map(scopeText).join(', ')} group ${groupId}\n`);
  } else {
    io.err(`\nError: ${topLevelMessage(groupId, firstError)}\n`);
  }
  io.out(formatDeleteOffsets(outcomes));
  return firstError === null ? 0 : 1;
}

function scopeText(s: TopicScope): string {
  return s.partitions === null ? s.topic : `${s.topic}:${s.partitions.join(',')}`;
}

/** Kafka's wording for the request's outcome, by the error that failed it. */
function topLevelMessage(groupId: string, err: SamsaError): string {
  switch (err.code) {
    case ErrorCode.INVALID_GROUP_ID.code: return `'${groupId}' is not valid.`;
    case ErrorCode.GROUP_ID_NOT_FOUND.code: return `'${groupId}' does not exist.`;
    case ErrorCode.GROUP_AUTHORIZATION_FAILED.code: return `Access to '${groupId}' is not authorized.`;
    case ErrorCode.NON_EMPTY_GROUP.code: return `Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`;
    default:
      return PARTITION_LEVEL.has(err.code) ? 'Encounter some partition level error, see the follow-up details:' : `Encounter some unknown error: ${err.errorName}: ${errorMessage(err)}`;
  }
}

/** `TOPIC PARTITION STATUS`, rows ordered as Kafka orders them: by topic and partition as one string. */
export function formatDeleteOffsets(outcomes: readonly Outcome[]): string {
  const line = (a: string, b: string, c: string): string => `${a.padEnd(30)} ${b.padEnd(15)} ${c.padEnd(15)}`;
  const sorted = [...outcomes].sort((x, y) => {
    const a = `${x.topic}${x.partition}`;
    const b = `${y.topic}${y.partition}`;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const rows = sorted.map((o) => line(o.topic, o.partition >= 0 ? String(o.partition) : 'Not Provided', o.error === null ? 'Successful' : `Error: ${errorMessage(o.error)}`));
  return `\n${line('TOPIC', 'PARTITION', 'STATUS')}\n${rows.map((r) => `${r}\n`).join('')}`;
}
