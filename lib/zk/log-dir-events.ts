/**
 * `/log_dir_event_notification/log_dir_event_<seq>`: how a broker tells the controller that one of
 * its log directories failed, in Kafka's format (`{"version":1,"broker":<id>,"event":1}`, event 1
 * = LogDirFailure). The controller reads and deletes them, then asks the broker (LeaderAndIsr)
 * which of its replicas are offline; the notification itself names no partition.
 */
import { ControllerFence, fencedDeleteIfExists } from './controller-fence';
import { childPath, ZkClient } from './zk-client';
import { isZkError } from './zk-errors';
import type { ZkWatcher } from './zk-types';
import { encodeJson, parseZnodeJson, ZnodeFormatError } from './znode-json';

export const LOG_DIR_EVENT_PATH = '/log_dir_event_notification';
const LOG_DIR_EVENT_PREFIX = `${LOG_DIR_EVENT_PATH}/log_dir_event_`;
/** Kafka's LogDirEventNotificationHandler.LogDirFailureEvent. */
const LOG_DIR_FAILURE_EVENT = 1;

/** Writes one notification that `brokerId` lost a log directory; returns its path. */
export async function createLogDirEventNotification(zk: ZkClient, brokerId: number): Promise<string> {
  const data = encodeJson({ version: 1, broker: brokerId, event: LOG_DIR_FAILURE_EVENT });
  await zk.createPersistentPath(LOG_DIR_EVENT_PATH);
  return zk.create(LOG_DIR_EVENT_PREFIX, data, 'PERSISTENT_SEQUENTIAL');
}

/** The notifications present (arming `watcher` for new ones); none when the parent is absent. */
export async function logDirEventNotifications(zk: ZkClient, watcher: ZkWatcher): Promise<string[]> {
  await zk.createPersistentPath(LOG_DIR_EVENT_PATH);
  return (await zk.getChildren(LOG_DIR_EVENT_PATH, watcher)).sort();
}

/** The brokers the notifications name, each once; vanished or malformed notifications name none. */
export async function readLogDirEventBrokers(zk: ZkClient, names: readonly string[], onMalformed: (message: string) => void): Promise<number[]> {
  const brokers = new Set<number>();
  for (const name of names) {
    const path = childPath(LOG_DIR_EVENT_PATH, name);
    try {
      const json = parseZnodeJson(path, (await zk.getData(path)).data);
      json.requireVersion(1);
      brokers.add(json.int('broker'));
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) continue;
      if (!(err instanceof ZnodeFormatError)) throw err;
      onMalformed(err.message);
    }
  }
  return [...brokers];
}

export async function deleteLogDirEventNotifications(zk: ZkClient, names: readonly string[], fence: ControllerFence): Promise<void> {
  for (const name of names) await fencedDeleteIfExists(zk, childPath(LOG_DIR_EVENT_PATH, name), fence);
}
