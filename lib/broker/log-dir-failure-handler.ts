/**
 * The broker's side of a failed log directory (Kafka's ReplicaManager.handleLogDirFailure): its
 * partitions stop being served here, the controller is told through a
 * `/log_dir_event_notification` znode so it moves leadership to other replicas, and when no
 * directory is left the broker stops (Kafka halts it), as it can no longer host anything.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { Logger } from '../util/logger';
import { createLogDirEventNotification } from '../zk/log-dir-events';
import type { ZkClient } from '../zk/zk-client';
import type { ReplicaManager } from './replica-manager';

export interface LogDirFailureDeps {
  brokerId: number;
  /** Looked up per failure: the replica manager and ZooKeeper client exist after construction. */
  services: () => { replicas: ReplicaManager; zk: ZkClient | null };
  /** Stops the broker (all directories failed). */
  fatal: (err: Error) => void;
  logger: Logger;
}

/** The LogManager's onLogDirFailure hook. */
export function logDirFailureHandler(deps: LogDirFailureDeps): (dir: string, allFailed: boolean) => void {
  return (dir, allFailed) => {
    if (allFailed) {
      deps.fatal(new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `all log directories of broker ${deps.brokerId} have failed (last: ${dir})`));
      return;
    }
    const { replicas, zk } = deps.services();
    void (async () => {
      await replicas.onLogDirFailure(dir);
      if (!zk) return;
      await createLogDirEventNotification(zk, deps.brokerId);
      deps.logger.info(`Told the controller that log dir ${dir} of broker ${deps.brokerId} failed`);
    })().catch((err: Error) => deps.logger.error(`Handling the failure of log dir ${dir}: ${err.message}`));
  };
}
