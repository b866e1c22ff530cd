/**
 * Persistent watches built from ZooKeeper's one-shot ones, for owners (the controller, brokers)
 * that want "tell me whenever this changes" rather than "tell me once".
 *
 * Each watch reads the node with a one-shot watcher, hands the result to the listener, and reads
 * again when the watcher fires - including the synthetic SESSION_EXPIRED, so a watch keeps
 * working on the facade's next session. Reads are single-flight: events that arrive while a read
 * or a listener is running coalesce into one more read, and listeners never overlap. A listener
 * may therefore see the same value twice (e.g. after a new session); it must not rely on a call
 * meaning "something changed".
 */
import { getLogger } from '../util/logger';
import { sleep } from '../util/time';
import { isZkError } from './zk-errors';
import type { ZkNodeData, ZkStat, ZkWatcher } from './zk-types';

const log = getLogger('zk');

/** Receives the node's children (empty when the node does not exist). */
export type ChildrenListener = (children: string[]) => void | Promise<void>;
/** Receives the node's data and stat, or null when the node does not exist. */
export type DataListener = (node: ZkNodeData | null) => void | Promise<void>;

/**
 * The reads a watch re-arms with. ZkClient has them; naming them here instead of importing the
 * client keeps this module below zk-client.ts in the import graph (the client builds on watches).
 */
interface WatchReads {
  getChildren(path: string, watcher?: ZkWatcher): Promise<string[]>;
  getData(path: string, watcher?: ZkWatcher): Promise<ZkNodeData>;
  exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null>;
}

export interface ZkWatch {
  readonly path: string;
  /** Stops delivering; an already armed one-shot watch is left to fire into the void. */
  cancel(): void;
}

const RETRY_AFTER_ERROR_MS = 1000;
const RETRY_AFTER_CONNECTION_LOSS_MS = 100;

class RearmingWatch<T> implements ZkWatch {
  private cancelled = false;
  private running = false;
  private dirty = false;

  constructor(
    readonly path: string,
    private readonly read: (watcher: ZkWatcher) => Promise<T>,
    private readonly deliver: (value: T) => void | Promise<void>,
  ) {}

  /** The first read and delivery; errors reach the caller. */
  async start(): Promise<void> {
    this.running = true;
    try {
      const value = await this.read(this.onEvent);
      await this.deliver(value);
    } catch (err) {
      this.cancelled = true;
      throw err;
    } finally {
      this.running = false;
    }
    this.kick();
  }

  cancel(): void {
    this.cancelled = true;
  }

  private readonly onEvent: ZkWatcher = () => {
    if (this.cancelled) return;
    this.dirty = true;
    this.kick();
  };

  private kick(): void {
    if (this.running || this.cancelled || !this.dirty) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.cancelled) {
      this.dirty = false;
      let value: T;
      try {
        value = await this.read(this.onEvent);
      } catch (err) {
        if (this.cancelled || isZkError(err, 'CLIENT_CLOSED')) return;
        this.dirty = true;
        // SESSION_EXPIRED: the read went to the expired session; the retry goes to the new one.
        if (isZkError(err, 'SESSION_EXPIRED')) continue;
        const delayMs = isZkError(err, 'CONNECTION_LOSS') ? RETRY_AFTER_CONNECTION_LOSS_MS : RETRY_AFTER_ERROR_MS;
        if (!isZkError(err, 'CONNECTION_LOSS')) log.warn(`Re-arming the watch on ${this.path} failed, retrying: ${(err as Error).message}`);
        await sleep(delayMs, { unref: true });
        continue;
      }
      if (this.cancelled) return;
      try {
        await this.deliver(value);
      } catch (err) {
        log.error(`A listener watching ${this.path} failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }
}

export async function watchChildren(zk: WatchReads, path: string, onChange: ChildrenListener): Promise<ZkWatch> {
  const read = async (watcher: ZkWatcher): Promise<string[]> => {
    for (;;) {
      try {
        return await zk.getChildren(path, watcher);
      } catch (err) {
        if (!isZkError(err, 'NO_NODE')) throw err;
      }
      // Missing parent: wait for it to be created, then list it.
      if ((await zk.exists(path, watcher)) === null) return [];
    }
  };
  const watch = new RearmingWatch(path, read, onChange);
  await watch.start();
  return watch;
}

export async function watchData(zk: WatchReads, path: string, onChange: DataListener): Promise<ZkWatch> {
  const read = async (watcher: ZkWatcher): Promise<ZkNodeData | null> => {
    for (;;) {
      try {
        return await zk.getData(path, watcher);
      } catch (err) {
        if (!isZkError(err, 'NO_NODE')) throw err;
      }
      if ((await zk.exists(path, watcher)) === null) return null;
    }
  };
  const watch = new RearmingWatch(path, read, onChange);
  await watch.start();
  return watch;
}
