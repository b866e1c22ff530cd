/**
 * AlterPartitionReassignments and ListPartitionReassignments (KIP-455): start, cancel and list
 * moves of partition replicas between brokers. The controller owns reassignments (it writes the
 * target replica set to the topic znode and drives the move), so only the active controller
 * answers; any other broker says NOT_CONTROLLER and the admin client retries at the controller.
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import {
  AlterPartitionReassignmentsRequestData, AlterPartitionReassignmentsResponseData,
  ListPartitionReassignmentsRequestData, ListPartitionReassignmentsResponseData,
} from '../../protocol/messages/elect-reassign';
import { AccessControl, authorizeCluster } from '../authorize';
import { Handler } from '../request-context';
import type { TopicPartition } from '../../util/topic-partition';
import { PartitionOutcome, groupByTopic, withinTimeout } from './elect-leaders';

export interface ReassignmentTarget extends TopicPartition {
  /** null cancels the partition's reassignment in progress. */
  replicas: number[] | null;
}

export interface OngoingReassignment extends TopicPartition {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** What these handlers need from the broker's Controller. */
export interface ReassignmentController {
  readonly isActive: boolean;
  alterPartitionReassignments(reassignments: ReassignmentTarget[]): Promise<PartitionOutcome[]>;
  listPartitionReassignments(partitions: TopicPartition[] | null): Promise<OngoingReassignment[]>;
}

export function alterPartitionReassignmentsHandler(
  controller: () => ReassignmentController | null, access: AccessControl,
): Handler<AlterPartitionReassignmentsRequestData, AlterPartitionReassignmentsResponseData> {
  return async (req, rc) => {
    const answer = (errorCode: number, errorMessage: string | null, outcomes: PartitionOutcome[] = []): AlterPartitionReassignmentsResponseData => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      responses: groupByTopic(outcomes).map(([name, results]) => ({
        name,
        partitions: results.map((r) => ({ partitionIndex: r.partition, errorCode: r.errorCode, errorMessage: r.errorMessage })),
      })),
    });
    // Kafka: Alter on the Cluster.
    if (!authorizeCluster(access, rc, 'Alter')) return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code, null);
    const active = controller();
    if (!active?.isActive) return answer(ErrorCode.NOT_CONTROLLER.code, null);
    const targets = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
    try {
      return answer(0, null, await withinTimeout(active.alterPartitionReassignments(targets), req.timeoutMs));
    } catch (err) {
      return answer(toErrorCode(err), messageOf(err));
    }
  };
}

export function listPartitionReassignmentsHandler(
  controller: () => ReassignmentController | null, access: AccessControl,
): Handler<ListPartitionReassignmentsRequestData, ListPartitionReassignmentsResponseData> {
  return async (req, rc) => {
    const answer = (errorCode: number, errorMessage: string | null, ongoing: OngoingReassignment[] = []): ListPartitionReassignmentsResponseData => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      topics: groupByTopic(ongoing).map(([name, list]) => ({
        name,
        partitions: list.map((r) => ({
          partitionIndex: r.partition, replicas: r.replicas, addingReplicas: r.addingReplicas, removingReplicas: r.removingReplicas,
        })),
      })),
    });
    // Kafka: Describe on the Cluster.
    if (!authorizeCluster(access, rc, 'Describe')) return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code, null);
    const active = controller();
    if (!active?.isActive) return answer(ErrorCode.NOT_CONTROLLER.code, null);
    const partitions = req.topics === null
      ? null
      : req.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
    try {
      return answer(0, null, await withinTimeout(active.listPartitionReassignments(partitions), req.timeoutMs));
    } catch (err) {
      return answer(toErrorCode(err), messageOf(err));
    }
  };
}

/** The user-facing part of an error: SamsaError messages carry a `NAME: ` prefix the code already says. */
function messageOf(err: unknown): string {
  if (err instanceof SamsaError) {
    const prefix = `${err.errorName}: `;
    return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
