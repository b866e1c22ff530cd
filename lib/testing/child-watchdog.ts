/**
 * What keeps a test cluster's child processes from outliving the test runner. Each child
 * (ZooKeeper's launcher, every broker) is spawned with an IPC channel; the channel closes when the
 * parent exits for any reason, SIGKILL included, and the child then ends itself. Polling the parent
 * pid would also work but lags; the closed channel is immediate and needs no timer.
 */
export interface ParentLink {
  send(message: ChildMessage): void;
}

export type ChildMessage =
  | { type: 'ready'; ports: Record<string, number>; pid: number }
  | { type: 'failed'; message: string };

/** 'start' lets a child load its modules while the parent is still preparing its configuration. */
export type ParentMessage = { type: 'stop' } | { type: 'start'; configFile: string };

/** Calls `onOrphaned` once the parent is gone, `onStop` when it asks for a clean stop, `onStart` when told to start. */
export function watchParent(onOrphaned: () => void, onStop: () => void, onStart?: (configFile: string) => void): ParentLink {
  if (!process.send || !process.connected) {
    process.stderr.write('error: this is a child of samsa/testing and must be started by it (with an IPC channel)\n');
    process.exit(2);
  }
  process.once('disconnect', onOrphaned);
  process.on('message', (msg: ParentMessage) => {
    if (msg && msg.type === 'stop') onStop();
    if (msg && msg.type === 'start') onStart?.(msg.configFile);
  });
  return {
    send(message) {
      if (process.connected) process.send?.(message);
    },
  };
}
