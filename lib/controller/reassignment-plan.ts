/**
 * The replica-set arithmetic of a partition reassignment (KIP-455, Kafka's ReplicaAssignment),
 * kept pure so the rules can be tested on their own.
 *
 * While a partition moves from its original replicas (ORS) to a target set (TRS), its assignment
 * holds RS = TRS followed by the rest of ORS, with `adding` = RS − ORS and `removing` = RS − TRS.
 * Putting the target first makes its first replica the preferred leader as soon as the move
 * starts. A new target replaces a move in progress against the same ORS, so an operator can
 * change their mind (or cancel, which targets ORS) without stranding the replicas already added.
 * As in Kafka, ORS's original order is not recorded: a cancelled move keeps ORS in RS order.
 */
import { ErrorCode, ErrorDefinition } from '../protocol/errors';
import { ReassignmentState } from './controller-context';

export interface ReplicaAssignment extends ReassignmentState {
  replicas: number[];
}

/** The replicas before the move started: RS − adding. */
export function originReplicas(a: ReplicaAssignment): number[] {
  return a.replicas.filter((r) => !a.adding.includes(r));
}

/** The replicas once the move is done: RS − removing. */
export function targetReplicas(a: ReplicaAssignment): number[] {
  return a.replicas.filter((r) => !a.removing.includes(r));
}

export function isBeingReassigned(a: ReassignmentState): boolean {
  return a.adding.length > 0 || a.removing.length > 0;
}

/** The assignment that moves `current`'s original replicas to `target`. */
export function reassignTo(current: ReplicaAssignment, target: readonly number[]): ReplicaAssignment {
  const origin = originReplicas(current);
  const replicas = [...new Set([...target, ...origin])];
  return {
    replicas,
    adding: replicas.filter((r) => !origin.includes(r)),
    removing: replicas.filter((r) => !target.includes(r)),
  };
}

/**
 * What a request asks for: a move to `target`, or with `target` null a cancellation (back to the
 * original replicas). Null when there is nothing to cancel.
 */
export function planReassignment(current: ReplicaAssignment, target: readonly number[] | null): ReplicaAssignment | null {
  if (target !== null) return reassignTo(current, target);
  return isBeingReassigned(current) ? reassignTo(current, originReplicas(current)) : null;
}

export interface PlanError {
  error: ErrorDefinition;
  message: string;
}

/**
 * Kafka's checks on a requested replica list: not empty, no duplicates, no negative ids, and every
 * replica the move would add is a live broker (replicas already assigned may be offline).
 */
export function validateTargetReplicas(current: ReplicaAssignment, target: readonly number[], isLive: (id: number) => boolean): PlanError | null {
  const invalid = (message: string): PlanError => ({ error: ErrorCode.INVALID_REPLICA_ASSIGNMENT, message });
  if (target.length === 0) return invalid('Empty replica list specified in partition reassignment.');
  if (new Set(target).size !== target.length) {
    return invalid(`Duplicate replica ids in partition reassignment replica list: [${target.join(',')}]`);
  }
  if (target.some((r) => !Number.isInteger(r) || r < 0)) return invalid(`Invalid broker id in replica list: [${target.join(',')}]`);
  const adding = reassignTo(current, target).adding;
  const notLive = adding.filter((r) => !isLive(r));
  if (notLive.length > 0) {
    return invalid(`Replica assignment has brokers that are not alive. Replica list: [${adding.join(',')}], brokers not alive: [${notLive.join(',')}]`);
  }
  return null;
}

export function sameReplicas(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
