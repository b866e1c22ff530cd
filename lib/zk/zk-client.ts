/**
 * The ZooKeeper facade every Samsa component talks to: promises, typed errors, chroot handling
 * and a session state machine that survives what node-zookeeper-client does not handle.
 *
 * States: CONNECTING -> CONNECTED <-> DISCONNECTED -> EXPIRED -> CONNECTING (new session) ... CLOSED.
 * While DISCONNECTED the library keeps reconnecting with the session's id and password, for as
 * long as it takes: as with ZooKeeper's own client, a session ends only when a server answers
 * a reconnect saying it expired (during a quorum loss none can, and the re-elected leader gives
 * every session a fresh timeout: the session, its ephemeral nodes and watches survive). The
 * library never notices a server that stops answering, so the facade probes it and drops a
 * connection that stays silent for 2/3 of the session timeout (zk-liveness.ts). On expiry it
 * emits 'expired' (owners step down), builds a brand-new session, closes the old one on the
 * server if it is somehow still there, and emits 'new-session' (owners re-register ephemeral
 * nodes, re-arm watches).
 *
 * Events: 'connected' (every (re)connection), 'disconnected', 'expired', 'new-session', 'closed',
 * and 'state' (new state) for diagnostics.
 *
 * Watches are ZooKeeper's one-shot watches: a watcher passed to getData/getChildren/exists fires
 * at most once, and the caller re-arms it by reading again. When the session holding it ends the
 * watcher fires with type SESSION_EXPIRED. `watchData`/`watchChildren` do the re-arming for you.
 *
 * Reads are retried (at most a few times) after CONNECTION_LOSS, because re-reading is harmless.
 * Writes are not: after CONNECTION_LOSS a write may or may not have happened, and only the caller
 * knows how to check (e.g. compare a node's ephemeralOwner with `sessionId`).
 */
import { EventEmitter } from 'events';
import { brokerConfigDefs } from '../config/broker-config-defs';
import { configDefault } from '../config/config-default';
import { parseZookeeperConnect } from '../config/endpoints';
import { getLogger } from '../util/logger';
import { isZkError, ZkError } from './zk-errors';
import { superviseConnection } from './zk-liveness';
import { commitMulti } from './zk-multi';
import { ZkSession } from './zk-session';
import { CREATE_MODE_NUMBER, NO_EPHEMERAL_OWNER, toZkStat, ZkCreateMode, ZkNodeData, ZkOp, ZkOpResult, ZkStat, ZkWatcher } from './zk-types';
import { ChildrenListener, DataListener, ZkWatch, watchChildren, watchData } from './zk-watches';
import type * as zookeeper from 'node-zookeeper-client';

const log = getLogger('zk');

export type ZkState = 'CONNECTING' | 'CONNECTED' | 'DISCONNECTED' | 'EXPIRED' | 'CLOSED';

/** Told of every request's latency and of each session expiry (metrics); attach with `observe`. */
export interface ZkClientObserver {
  /** Seconds from sending a request to its answer or failure, read retries each counted. */
  zkRequestCompleted(seconds: number): void;
  zkSessionExpired(): void;
}

export interface ZkClientOptions {
  /** `host:port[,host:port...][/chroot]`; every path is relative to the chroot. */
  connectString: string;
  /** Requested session timeout; the server clamps it to [2, 20] x its tickTime. Default: zookeeper.session.timeout.ms's. */
  sessionTimeoutMs?: number;
  /** How long `connect` waits for the first session. Default: the session timeout. */
  connectionTimeoutMs?: number;
}

export const DEFAULT_SESSION_TIMEOUT_MS = configDefault(brokerConfigDefs, 'zookeeper.session.timeout.ms');
const CLOSE_TIMEOUT_MS = 2000;
const READ_RETRIES = 3;
const REMEMBERED_SESSIONS = 16;

export class ZkClient extends EventEmitter {
  private session: ZkSession;
  private currentState: ZkState = 'CONNECTING';
  private readonly ownedSessions: string[] = [];
  private readonly ticker: NodeJS.Timeout;
  private closing: Promise<void> | null = null;
  private sessionsOpened = 0;
  private observer: ZkClientObserver | null = null;

  /** Connects (creating the chroot node first if needed) and resolves once a session exists. */
  static async connect(options: ZkClientOptions): Promise<ZkClient> {
    const parsed = parseZookeeperConnect(options.connectString);
    if (!parsed.ok) throw new ZkError('BAD_ARGUMENTS', `Invalid ZooKeeper connect string '${options.connectString}': ${parsed.reason}`);
    const hosts = parsed.value.servers.map((s) => `${s.host}:${s.port}`).join(',');
    const sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    const connectionTimeoutMs = options.connectionTimeoutMs ?? sessionTimeoutMs;
    const chroot = parsed.value.chroot;
    if (chroot) {
      // node-zookeeper-client prefixes the chroot itself but cannot create it; Kafka creates it.
      const root = await ZkClient.connect({ connectString: hosts, sessionTimeoutMs, connectionTimeoutMs });
      try {
        await root.createPersistentPath(chroot);
      } finally {
        await root.close();
      }
    }
    const client = new ZkClient(hosts, chroot, sessionTimeoutMs);
    try {
      await client.whenConnected(connectionTimeoutMs);
    } catch (err) {
      await client.close();
      throw new ZkError('CONNECTION_LOSS',
        `Could not connect to ZooKeeper at ${hosts} within ${connectionTimeoutMs} ms; is it running? ` +
        '(bin/zookeeper-server-start config/zookeeper.properties starts one)', { cause: err });
    }
    return client;
  }

  private constructor(private readonly hosts: string, readonly chroot: string | null, private readonly requestedTimeoutMs: number) {
    super();
    this.session = this.openSession();
    this.session.start();
    const tickMs = Math.min(1000, Math.max(50, Math.floor(requestedTimeoutMs / 10)));
    this.ticker = setInterval(() => this.tick(), tickMs);
    this.ticker.unref();
  }

  /** Starts telling `observer` of requests and expiries (requests made before are not reported). */
  observe(observer: ZkClientObserver): void {
    this.observer = observer;
  }

  get state(): ZkState {
    return this.currentState;
  }

  /** The current session id as 16 hex digits (how ephemeralOwner is reported). */
  get sessionId(): string {
    return this.session.id;
  }

  /** The negotiated session timeout of the current session. */
  get sessionTimeoutMs(): number {
    return this.session.timeoutMs;
  }

  /**
   * True when `ephemeralOwner` is this client's current session or an earlier one of this
   * client's. A node owned by an earlier session of ours is stale: that session has ended, so
   * deleting its ephemeral nodes is safe.
   */
  ownsSession(ephemeralOwner: string): boolean {
    const owner = ephemeralOwner.toLowerCase().replace(/^0x/, '').padStart(16, '0');
    if (owner === NO_EPHEMERAL_OWNER) return false;
    return owner === this.session.id || this.ownedSessions.includes(owner);
  }

  /** Resolves when the client is connected; rejects on close or after `timeoutMs`. */
  whenConnected(timeoutMs = this.requestedTimeoutMs): Promise<void> {
    if (this.currentState === 'CONNECTED') return Promise.resolve();
    if (this.currentState === 'CLOSED') return Promise.reject(new ZkError('CLIENT_CLOSED', 'the ZooKeeper client is closed'));
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('state', onState);
      };
      const onState = (state: ZkState): void => {
        if (state === 'CONNECTED') { cleanup(); resolve(); }
        if (state === 'CLOSED') { cleanup(); reject(new ZkError('CLIENT_CLOSED', 'the ZooKeeper client was closed')); }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new ZkError('CONNECTION_LOSS', `not connected to ZooKeeper after ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  /** Creates a node; returns its actual path (sequential nodes get a 10-digit suffix). */
  create(path: string, data: Buffer | null = null, mode: ZkCreateMode = 'PERSISTENT'): Promise<string> {
    return this.write<string>('create', path, (s, cb) => {
      if (data) s.client.create(path, data, CREATE_MODE_NUMBER[mode], cb);
      else s.client.create(path, CREATE_MODE_NUMBER[mode], cb);
    });
  }

  /** `mkdir -p`: creates missing ancestors (empty) and the node; an existing node is left alone. */
  async createPersistentPath(path: string, data: Buffer | null = null): Promise<void> {
    if (path === '/') return;
    try {
      await this.create(path, data);
    } catch (err) {
      if (isZkError(err, 'NODE_EXISTS')) return;
      if (!isZkError(err, 'NO_NODE')) throw err;
      await this.createPersistentPath(parentPath(path));
      try {
        await this.create(path, data);
      } catch (again) {
        if (!isZkError(again, 'NODE_EXISTS')) throw again;
      }
    }
  }

  getData(path: string, watcher?: ZkWatcher): Promise<ZkNodeData> {
    return this.read<ZkNodeData>('getData', path, (s, cb) => {
      const done = (err: unknown, data?: Buffer, stat?: zookeeper.Stat): void =>
        cb(err, err ? undefined : { data: data ?? null, stat: toZkStat(stat as zookeeper.Stat) });
      if (!watcher) return s.client.getData(path, done);
      const armed = s.wrapWatcher(path, watcher);
      s.client.getData(path, armed.libraryWatcher, (err, data, stat) => {
        if (!err) armed.confirm();
        done(err, data, stat);
      });
    });
  }

  /** Writes data if the node's version is `expectedVersion` (-1: any); returns the new stat. */
  setData(path: string, data: Buffer, expectedVersion = -1): Promise<ZkStat> {
    return this.write<ZkStat>('setData', path, (s, cb) =>
      s.client.setData(path, data, expectedVersion, (err, stat) => cb(err, err ? undefined : toZkStat(stat))));
  }

  getChildren(path: string, watcher?: ZkWatcher): Promise<string[]> {
    return this.read<string[]>('getChildren', path, (s, cb) => {
      if (!watcher) return s.client.getChildren(path, (err, children) => cb(err, children ?? []));
      const armed = s.wrapWatcher(path, watcher);
      s.client.getChildren(path, armed.libraryWatcher, (err, children) => {
        if (!err) armed.confirm();
        cb(err, children ?? []);
      });
    });
  }

  /** The node's stat, or null. A watcher set on a missing node fires when it is created. */
  exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null> {
    return this.read<ZkStat | null>('exists', path, (s, cb) => {
      const done = (err: unknown, stat?: zookeeper.Stat | null): void => cb(err, err || !stat ? null : toZkStat(stat));
      if (!watcher) return s.client.exists(path, done);
      const armed = s.wrapWatcher(path, watcher);
      s.client.exists(path, armed.libraryWatcher, (err, stat) => {
        if (!err) armed.confirm();
        done(err, stat);
      });
    });
  }

  delete(path: string, version = -1): Promise<void> {
    return this.write<void>('delete', path, (s, cb) => s.client.remove(path, version, (err) => cb(err)));
  }

  /** Deletes a node and everything below it; a missing node is not an error. Not atomic. */
  async deleteRecursive(path: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let children: string[];
      try {
        children = await this.getChildren(path);
      } catch (err) {
        if (isZkError(err, 'NO_NODE')) return;
        throw err;
      }
      for (const child of children) await this.deleteRecursive(childPath(path, child));
      try {
        await this.delete(path);
        return;
      } catch (err) {
        if (isZkError(err, 'NO_NODE')) return;
        if (!isZkError(err, 'NOT_EMPTY')) throw err;
      }
    }
    throw new ZkError('NOT_EMPTY', `deleteRecursive ${path} gave up: children keep being added`, { path });
  }

  /**
   * Runs the operations atomically. On failure rejects with the failing operation's code, its
   * path and `failedOpIndex` (e.g. NODE_EXISTS at 0 vs BAD_VERSION at 1 in a controller election).
   */
  multi(ops: readonly ZkOp[]): Promise<ZkOpResult[]> {
    if (ops.length === 0) return Promise.resolve([]);
    return this.write<ZkOpResult[]>('multi', undefined, (s, cb) => commitMulti(s.client, ops, cb));
  }

  /** Calls `onChange` with the children now and after every change, re-arming across sessions. */
  watchChildren(path: string, onChange: ChildrenListener): Promise<ZkWatch> {
    return watchChildren(this, path, onChange);
  }

  /** Calls `onChange` with the node (or null) now and after every change, re-arming across sessions. */
  watchData(path: string, onChange: DataListener): Promise<ZkWatch> {
    return watchData(this, path, onChange);
  }

  /** Closes the session (its ephemeral nodes go at once); later operations reject CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (this.closing) return this.closing;
    this.setState('CLOSED');
    clearInterval(this.ticker);
    this.closing = this.session.close(CLOSE_TIMEOUT_MS).then(() => { this.notify('closed'); });
    return this.closing;
  }

  private openSession(): ZkSession {
    const session = new ZkSession({
      connectString: this.hosts + (this.chroot ?? ''),
      sessionTimeoutMs: this.requestedTimeoutMs,
      reconnectBackoffMs: Math.min(1000, Math.max(50, Math.floor(this.requestedTimeoutMs / 20))),
    });
    const isReplacement = this.sessionsOpened++ > 0;
    let established = false;
    session.on('connected', () => {
      if (session !== this.session || this.currentState === 'CLOSED') return;
      this.setState('CONNECTED');
      const first = !established;
      if (first) {
        established = true;
        this.rememberSession(session.id);
        log.info(`Connected to ZooKeeper at ${this.hosts}${this.chroot ?? ''} (session 0x${session.id}, timeout ${session.timeoutMs} ms)`);
      }
      this.notify('connected');
      // Owners re-register ephemeral nodes and re-arm watches on the new session.
      if (first && isReplacement && (this.currentState as ZkState) !== 'CLOSED') this.notify('new-session');
    });
    session.on('disconnected', () => {
      if (session !== this.session || this.currentState !== 'CONNECTED') return;
      log.warn(`Disconnected from ZooKeeper (session 0x${session.id}); reconnecting`);
      this.setState('DISCONNECTED');
      this.notify('disconnected');
    });
    session.on('expired', () => {
      if (session === this.session) this.expire('ZooKeeper reported the session as expired');
    });
    return session;
  }

  private rememberSession(id: string): void {
    this.ownedSessions.push(id);
    if (this.ownedSessions.length > REMEMBERED_SESSIONS) this.ownedSessions.shift();
  }

  /** Liveness of the current connection (zk-liveness.ts); never expires the session itself. */
  private tick(): void {
    if (this.currentState === 'CLOSED') return;
    superviseConnection(this.session, this.currentState === 'CONNECTED');
  }

  private expire(reason: string): void {
    if (this.currentState === 'CLOSED' || this.currentState === 'EXPIRED') return;
    const old = this.session;
    const error = new ZkError('SESSION_EXPIRED', `ZooKeeper session 0x${old.id} expired: ${reason}`);
    log.warn(`${error.message}; starting a new session`);
    // The replacement exists before anyone hears of the expiry, so requests issued by 'expired'
    // handlers and by expiring watchers queue on it instead of failing.
    this.session = this.openSession();
    this.setState('EXPIRED');
    this.observer?.zkSessionExpired();
    this.notify('expired');
    old.abandon(error);
    // An 'expired' handler may have closed the client.
    if ((this.currentState as ZkState) === 'CLOSED') return;
    this.setState('CONNECTING');
    this.session.start();
  }

  private setState(state: ZkState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.notify('state', state);
  }

  /**
   * Emits from library callbacks and timers, where a throwing listener would take the process
   * down; like Kafka's ZooKeeperClient, a failing handler is logged instead.
   */
  private notify(event: string, ...args: unknown[]): void {
    for (const listener of this.rawListeners(event)) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (err) {
        log.error(`A ZooKeeper '${event}' listener failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }

  private requireSession(operation: string, path?: string): ZkSession {
    if (this.currentState === 'CLOSED') {
      throw new ZkError('CLIENT_CLOSED', `${operation}${path ? ` ${path}` : ''} failed: the ZooKeeper client is closed`, { path });
    }
    return this.session;
  }

  private async read<T>(operation: string, path: string, invoke: (s: ZkSession, cb: (err: unknown, value?: T) => void) => void): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const session = this.requireSession(operation, path);
      try {
        return await this.call(session, operation, path, invoke);
      } catch (err) {
        // The library queues requests while it reconnects, so retrying right away is enough.
        if (!isZkError(err, 'CONNECTION_LOSS') || attempt >= READ_RETRIES || this.currentState === 'CLOSED') throw err;
      }
    }
  }

  private async write<T>(operation: string, path: string | undefined, invoke: (s: ZkSession, cb: (err: unknown, value?: T) => void) => void): Promise<T> {
    const session = this.requireSession(operation, path);
    return this.call(session, operation, path, invoke);
  }

  private async call<T>(session: ZkSession, operation: string, path: string | undefined, invoke: (s: ZkSession, cb: (err: unknown, value?: T) => void) => void): Promise<T> {
    const observer = this.observer;
    if (observer === null) return session.call<T>(operation, path, (cb) => invoke(session, cb));
    const started = process.hrtime.bigint();
    try {
      return await session.call<T>(operation, path, (cb) => invoke(session, cb));
    } finally {
      observer.zkRequestCompleted(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

export function parentPath(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

export function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
