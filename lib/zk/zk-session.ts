/**
 * One ZooKeeper session: a node-zookeeper-client instance plus the bookkeeping the library lacks.
 *
 * The facade (`zk-client.ts`) replaces the whole session when the server says it expired, so
 * this class owns everything that must die with it: requests still in flight (the library never
 * answers requests queued on a client that is closed while disconnected, so we reject them
 * ourselves), one-shot watches armed through it (told `SESSION_EXPIRED` so owners re-arm on the
 * next session), and the time the server was last heard from (the library has no read timeout).
 */
import { EventEmitter } from 'events';
import * as zookeeper from 'node-zookeeper-client';
import { getLogger } from '../util/logger';
import { closeLibraryClient, currentSocket, destroySocket, installLibraryGuards } from './node-zk-compat';
import { toZkError, ZkError } from './zk-errors';
import { NO_EPHEMERAL_OWNER, sessionIdHex, toZkWatchEvent, ZkWatchEvent, ZkWatcher } from './zk-types';

const log = getLogger('zk');

type Callback<T> = (err: unknown, value?: T) => void;

export interface SessionCredentials {
  id: Buffer;
  password: Buffer;
  timeoutMs: number;
}

export interface ZkSessionOptions {
  /** `host:port,...[/chroot]` as node-zookeeper-client expects it. */
  connectString: string;
  sessionTimeoutMs: number;
  /** Upper bound of the random pause after every server in the list failed once. */
  reconnectBackoffMs: number;
}

/**
 * Events: 'connected' (each (re)connection), 'disconnected', 'expired' (the server said so).
 * Nothing is emitted after `abandon` or `close`.
 */
export class ZkSession extends EventEmitter {
  readonly client: zookeeper.Client;
  /** Date.now() of the last reply (or connection) from the server; 0 before the first. */
  lastHeardMs = 0;
  everConnected = false;
  private readonly pending = new Set<(err: ZkError) => void>();
  private readonly armedWatches = new Set<() => void>();
  private ended: ZkError | null = null;
  private probing = false;
  private started = false;
  private attemptSocket: unknown = null;
  private attemptStartedMs = 0;

  constructor(private readonly options: ZkSessionOptions) {
    super();
    installLibraryGuards();
    this.client = zookeeper.createClient(options.connectString, {
      sessionTimeout: options.sessionTimeoutMs,
      spinDelay: options.reconnectBackoffMs,
      retries: 0,
    });
    this.client.on('state', (state: zookeeper.State) => this.onLibraryState(state));
  }

  start(): void {
    this.started = true;
    this.client.connect();
  }

  /** 16 hex digits; all zeros before the first connection. */
  get id(): string {
    return this.everConnected ? sessionIdHex(this.client.getSessionId()) : NO_EPHEMERAL_OWNER;
  }

  /** The timeout the server granted (it clamps the requested one to [2, 20] ticks). */
  get timeoutMs(): number {
    return this.everConnected ? this.client.getSessionTimeout() : this.options.sessionTimeoutMs;
  }

  /**
   * Runs one library call as a promise. Any answer from the server counts as a sign of life;
   * CONNECTION_LOSS (produced locally when the socket dies) does not.
   */
  call<T>(operation: string, path: string | undefined, invoke: (callback: Callback<T>) => void): Promise<T> {
    if (this.ended) return Promise.reject(new ZkError(this.ended.code, `${operation} ${path ?? ''} failed: ${this.ended.message}`, { path }));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (err: ZkError): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      try {
        invoke((err, value) => {
          if (settled) return;
          const error = err ? toZkError(err, operation, path) : null;
          if (!error || error.code !== 'CONNECTION_LOSS') this.lastHeardMs = Date.now();
          if (error) return fail(error);
          settled = true;
          this.pending.delete(fail);
          resolve(value as T);
        });
      } catch (err) {
        fail(toZkError(err, operation, path));
      }
    });
  }

  /**
   * Wraps a caller's one-shot watcher for the library. `confirm` is called once the read that
   * set the watch succeeded; only then does the watch count as armed on this session.
   */
  wrapWatcher(path: string, watcher: ZkWatcher): { libraryWatcher: (event: zookeeper.Event) => void; confirm: () => void } {
    let fired = false;
    const fire = (event: ZkWatchEvent): void => {
      if (fired) return;
      fired = true;
      this.armedWatches.delete(onSessionEnd);
      try {
        watcher(event);
      } catch (err) {
        log.error(`A ZooKeeper watcher for ${path} threw: ${(err as Error).stack ?? String(err)}`);
      }
    };
    const onSessionEnd = (): void => fire({ type: 'SESSION_EXPIRED', path });
    return {
      libraryWatcher: (event) => {
        if (!this.ended) fire(toZkWatchEvent(event, path));
      },
      confirm: () => {
        if (!fired && !this.ended) this.armedWatches.add(onSessionEnd);
      },
    };
  }

  /** Sends a cheap read so a silent server is noticed; no-op while one is outstanding. */
  probe(): void {
    if (this.probing || this.ended) return;
    this.probing = true;
    this.call<unknown>('liveness probe', '/', (cb) => this.client.exists('/', cb))
      .catch(() => undefined)
      .finally(() => { this.probing = false; });
  }

  /**
   * Called while not connected: destroys the library's socket once the same one has been
   * trying for longer than `limitMs`, so the library moves on to a fresh attempt.
   */
  abortStalledHandshake(limitMs: number): void {
    const socket = currentSocket(this.client);
    const now = Date.now();
    if (socket !== this.attemptSocket) {
      this.attemptSocket = socket;
      this.attemptStartedMs = now;
    } else if (socket && now - this.attemptStartedMs > limitMs) {
      log.info(`ZooKeeper did not complete the handshake within ${limitMs} ms; retrying`);
      destroySocket(this.client);
      this.attemptSocket = null;
    }
  }

  /** Drops the current connection so the library reconnects (the session itself may survive). */
  dropConnection(): void {
    destroySocket(this.client);
  }

  /**
   * Gives the session up for good: in-flight requests reject with `reason`, armed watches hear
   * SESSION_EXPIRED, and the library client is shut down without waiting for the server.
   */
  abandon(reason: ZkError): void {
    if (this.ended) return;
    this.ended = reason;
    this.client.removeAllListeners('state');
    for (const fail of [...this.pending]) fail(reason);
    const watches = [...this.armedWatches];
    this.armedWatches.clear();
    for (const notify of watches) notify();
    if (this.started) closeLibraryClient(this.client);
    destroySocket(this.client);
  }

  /**
   * Closes the session on the server (its ephemeral nodes vanish at once) when connected, waiting
   * at most `timeoutMs` for the server to confirm; anything still pending rejects CLIENT_CLOSED.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.ended) return;
    const connected = this.client.getState() === zookeeper.State.SYNC_CONNECTED;
    this.client.removeAllListeners('state');
    if (connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.client.on('state', (state: zookeeper.State) => {
          if (state === zookeeper.State.DISCONNECTED) { clearTimeout(timer); resolve(); }
        });
        closeLibraryClient(this.client);
      });
    } else if (this.started) {
      closeLibraryClient(this.client);
    }
    this.client.removeAllListeners('state');
    this.ended = new ZkError('CLIENT_CLOSED', 'the ZooKeeper client was closed');
    for (const fail of [...this.pending]) fail(new ZkError('CLIENT_CLOSED', 'the ZooKeeper client was closed before the request completed'));
    this.armedWatches.clear();
    destroySocket(this.client);
  }

  /** What it takes to re-attach to this session later (see `reapSession`); null before connecting. */
  credentials(): SessionCredentials | null {
    if (!this.everConnected) return null;
    return { id: this.client.getSessionId(), password: this.client.getSessionPassword(), timeoutMs: this.timeoutMs };
  }

  private onLibraryState(state: zookeeper.State): void {
    if (this.ended) return;
    if (state === zookeeper.State.SYNC_CONNECTED) {
      this.everConnected = true;
      this.lastHeardMs = Date.now();
      this.emit('connected');
    } else if (state === zookeeper.State.DISCONNECTED) {
      this.emit('disconnected');
    } else if (state === zookeeper.State.EXPIRED) {
      this.emit('expired');
    } else if (state === zookeeper.State.AUTH_FAILED) {
      log.error('ZooKeeper rejected the client\'s authentication; Samsa does not configure ZooKeeper auth');
    }
  }
}

/**
 * Re-attaches to a session from a second connection and closes it, so the server drops its
 * ephemeral nodes now: what the server does when it expires a session, on demand (tests end a
 * client's session this way; the client hears it is expired when it next reconnects). Done when
 * the server answers that the session is expired - a close is not proof, because another
 * connection of the same session can take the session over before the close request is
 * processed. Never rejects; gives up after `timeoutMs`.
 */
export async function reapSession(connectString: string, credentials: SessionCredentials, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let remainingMs = timeoutMs; remainingMs > 0; remainingMs = deadline - Date.now()) {
    if ((await reapOnce(connectString, credentials, remainingMs)) !== 'closed') return;
  }
}

/** One attempt: 'expired' (already gone), 'closed' (we sent a close; verify), or 'timeout'. */
function reapOnce(connectString: string, credentials: SessionCredentials, timeoutMs: number): Promise<'expired' | 'closed' | 'timeout'> {
  installLibraryGuards();
  const options = { sessionTimeout: credentials.timeoutMs, spinDelay: 100, retries: 0, sessionId: credentials.id, sessionPassword: credentials.password };
  const client = zookeeper.createClient(connectString, options as Partial<zookeeper.Option>);
  return new Promise((resolve) => {
    let closing = false;
    const finish = (outcome: 'expired' | 'closed' | 'timeout'): void => {
      clearTimeout(timer);
      client.removeAllListeners('state');
      destroySocket(client);
      resolve(outcome);
    };
    const timer = setTimeout(() => { closeLibraryClient(client); finish('timeout'); }, timeoutMs);
    client.on('state', (state: zookeeper.State) => {
      if (state === zookeeper.State.SYNC_CONNECTED && !closing) {
        closing = true;
        log.info(`Closing ZooKeeper session 0x${sessionIdHex(credentials.id)}`);
        closeLibraryClient(client);
      } else if (state === zookeeper.State.EXPIRED) {
        finish('expired');
      } else if (state === zookeeper.State.DISCONNECTED && closing) {
        finish('closed');
      }
    });
    client.connect();
  });
}
