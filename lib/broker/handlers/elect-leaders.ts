/**
 * ElectLeaders: an operator asks the controller to move leadership to the preferred replica, or
 * (unclean) to any live replica of partitions that have no leader. As in Kafka, only the active
 * controller answers; any other broker says NOT_CONTROLLER and the admin client goes to the
 * controller named in Metadata.
 *
 * Also home of the two small helpers the controller-served admin handlers share: a bounded wait
 * on the controller, and grouping per-partition results by topic for the response.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import {
  ELECTION_TYPE_PREFERRED, ELECTION_TYPE_UNCLEAN, ElectLeadersRequestData, ElectLeadersResponseData,
} from '../../protocol/messages/elect-reassign';
import { withTimeout } from '../../util/time';
import type { TopicPartition } from '../../util/topic-partition';
import { AccessControl, authorizeCluster } from '../authorize';
import { Handler } from '../request-context';

export interface PartitionOutcome extends TopicPartition {
  errorCode: number;
  errorMessage: string | null;
}

export type ElectionType = 'preferred' | 'unclean';

/** What this handler needs from the broker's Controller. */
export interface LeaderElector {
  readonly isActive: boolean;
  /** Throws SamsaError(NOT_CONTROLLER) when the tenure ended meanwhile. */
  electLeaders(type: ElectionType, partitions: TopicPartition[] | null): Promise<PartitionOutcome[]>;
}

/** Used when a request asks for no limit (timeoutMs ≤ 0): the wait is still bounded. */
export const DEFAULT_CONTROLLER_WAIT_MS = 30000;

export function electLeadersHandler(controller: () => LeaderElector | null, access: AccessControl): Handler<ElectLeadersRequestData, ElectLeadersResponseData> {
  return async (req, rc) => {
    const answer = (errorCode: number, outcomes: PartitionOutcome[] = []): ElectLeadersResponseData => ({
      throttleTimeMs: 0,
      errorCode,
      replicaElectionResults: groupByTopic(outcomes).map(([topic, results]) => ({
        topic,
        partitionResult: results.map((r) => ({ partitionId: r.partition, errorCode: r.errorCode, errorMessage: r.errorMessage })),
      })),
    });
    // Kafka: Alter on the Cluster, else CLUSTER_AUTHORIZATION_FAILED for the request and every partition named.
    if (!authorizeCluster(access, rc, 'Alter')) {
      const code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code;
      const named = (req.topicPartitions ?? []).flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition, errorCode: code, errorMessage: null })));
      return answer(code, named);
    }
    const type = electionTypeOf(req.electionType);
    if (type === null) return answer(ErrorCode.INVALID_REQUEST.code);
    const active = controller();
    if (!active?.isActive) return answer(ErrorCode.NOT_CONTROLLER.code);
    const partitions = req.topicPartitions === null
      ? null
      : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    try {
      return answer(0, await withinTimeout(active.electLeaders(type, partitions), req.timeoutMs));
    } catch (err) {
      return answer(toErrorCode(err));
    }
  };
}

function electionTypeOf(code: number): ElectionType | null {
  if (code === ELECTION_TYPE_PREFERRED) return 'preferred';
  if (code === ELECTION_TYPE_UNCLEAN) return 'unclean';
  return null;
}

/**
 * Waits for the controller's answer at most `timeoutMs` (or the default when ≤ 0); past that the
 * request fails with REQUEST_TIMED_OUT while the controller finishes the work on its own.
 */
export function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  const limitMs = timeoutMs > 0 ? timeoutMs : DEFAULT_CONTROLLER_WAIT_MS;
  return withTimeout(work, limitMs, () => new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `the controller did not answer within ${limitMs} ms`));
}

/** Per-partition items grouped by topic, topics in first-seen order, partitions as given. */
export function groupByTopic<T extends { topic: string }>(items: readonly T[]): Array<[string, T[]]> {
  const byTopic = new Map<string, T[]>();
  for (const item of items) {
    const list = byTopic.get(item.topic);
    if (list) list.push(item);
    else byTopic.set(item.topic, [item]);
  }
  return [...byTopic.entries()];
}
