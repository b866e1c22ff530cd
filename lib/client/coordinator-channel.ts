/**
 * Finding a group's coordinator and talking to it.
 *
 * Any broker answers FindCoordinator; the answer is the leader of the group's `__consumer_offsets`
 * partition, which moves when that leader changes. `findCoordinator` is the lookup (shared by the
 * consumer and the admin client). `CoordinatorChannel` is the consumer's side: it keeps a
 * connection of its own to the coordinator, apart from the pool's, because the broker answers a
 * connection's requests in order and a JoinGroup may be parked for a whole rebalance — fetches
 * must not queue behind it (Kafka's consumer does the same). Any sign that the coordinator moved
 * (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a dropped socket) forgets it; the next request
 * finds it again.
 */
import { Api, ApiDef } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ClientLogger, clientLogger } from './client-logger';
import { asSamsaError, authorizationError, closedError, responseError, userError } from './client-errors';
import { ResolvedClientOptions } from './client-options';
import { Connection } from './connection';
import { ConnectionPool } from './connection-pool';
import { exponentialBackoffMs } from './retry-policy';
import { sleep } from '../util/time';

/** FindCoordinator's key types: a consumer group's id, or a transactional id (KIP-98). */
export const KEY_TYPE_GROUP = 0;
export const KEY_TYPE_TRANSACTION = 1;
type KeyType = typeof KEY_TYPE_GROUP | typeof KEY_TYPE_TRANSACTION;

function describeKey(key: string, keyType: KeyType): string {
  return keyType === KEY_TYPE_TRANSACTION ? `transactional id '${key}'` : `group '${key}'`;
}

export interface CoordinatorNode {
  nodeId: number;
  host: string;
  port: number;
}

const COORDINATOR_MOVED: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR.code, ErrorCode.COORDINATOR_NOT_AVAILABLE.code]);

/** Codes after which the coordinator must be looked up again. */
export function coordinatorMoved(code: number): boolean {
  return COORDINATOR_MOVED.has(code);
}

/** Codes a group request simply retries after a backoff (the coordinator is loading, moved or busy). */
export function retriableGroupError(code: number): boolean {
  return coordinatorMoved(code) || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS.code || code === ErrorCode.REQUEST_TIMED_OUT.code;
}

interface Backoff {
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  logger?: ClientLogger;
}

/**
 * Asks any broker which node coordinates `groupId` (or, with KEY_TYPE_TRANSACTION, a transactional
 * id), retrying while the answer is COORDINATOR_NOT_AVAILABLE (the offsets or transaction state
 * topic is being created or has no leader yet) until `deadlineMs`.
 */
export async function findCoordinator(
  pool: ConnectionPool, groupId: string, deadlineMs: number, backoff: Backoff, keyType: KeyType = KEY_TYPE_GROUP,
): Promise<CoordinatorNode> {
  for (let attempt = 0; ; attempt++) {
    let failure: SamsaError;
    try {
      const conn = await pool.anyConnection();
      const response = await conn.send(Api.FindCoordinator, { key: groupId, keyType });
      if (response.errorCode === 0) return { nodeId: response.nodeId, host: response.host, port: response.port };
      const subject = keyType === KEY_TYPE_GROUP ? { group: groupId } : {};
      failure = authorizationError(response.errorCode, subject) ?? responseError(response.errorCode, response.errorMessage);
    } catch (err) {
      failure = asSamsaError(err);
    }
    if (!failure.retriable) throw failure;
    const waitMs = exponentialBackoffMs(attempt, backoff.retryBackoffMs, backoff.retryBackoffMaxMs);
    if (Date.now() + waitMs >= deadlineMs) {
      throw userError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `Timed out finding the coordinator of ${describeKey(groupId, keyType)}: ${failure.message}`, failure);
    }
    clientLogger(backoff.logger, 'consumer').debug(`finding the coordinator of ${describeKey(groupId, keyType)} failed (${failure.message}); retrying`);
    await sleep(waitMs);
  }
}

/**
 * A client's connection to the coordinator of one key, found and re-found on demand: the
 * consumer's group coordinator, or (KEY_TYPE_TRANSACTION) a transactional producer's transaction
 * coordinator; the producer also reaches the group coordinator through one for TxnOffsetCommit.
 */
export class CoordinatorChannel {
  private readonly log: ClientLogger;
  private node: CoordinatorNode | null = null;
  private conn: Connection | null = null;
  private finding: Promise<Connection> | null = null;
  private failures = 0;
  private closed = false;

  constructor(private readonly pool: ConnectionPool, readonly groupId: string, private readonly options: ResolvedClientOptions,
    private readonly keyType: KeyType = KEY_TYPE_GROUP, private readonly owner: 'consumer' | 'producer' = 'consumer') {
    this.log = clientLogger(options.logger, owner);
  }

  get coordinator(): CoordinatorNode | null {
    return this.node;
  }

  get known(): boolean {
    return this.conn !== null && this.conn.isConnected;
  }

  /** The connection to the coordinator, finding and connecting first when needed (until `deadlineMs`). */
  connection(deadlineMs: number): Promise<Connection> {
    if (this.closed) return Promise.reject(closedError(`the ${this.owner}`));
    if (this.conn && this.conn.isConnected) return Promise.resolve(this.conn);
    if (!this.finding) {
      this.finding = this.discover(deadlineMs).finally(() => {
        this.finding = null;
      });
    }
    return this.finding;
  }

  /** Forgets the coordinator; the next request looks it up again. */
  markUnknown(reason: string): void {
    if (this.node) this.log.info(`Coordinator ${this.node.host}:${this.node.port} (id: ${this.node.nodeId}) of ${describeKey(this.groupId, this.keyType)} is unavailable or invalid (${reason}); will attempt rediscovery`);
    this.node = null;
    const conn = this.conn;
    this.conn = null;
    conn?.close();
  }

  /**
   * Sends a request to the coordinator. A network failure forgets the coordinator before the
   * error is rethrown, so the caller's retry finds it again.
   */
  async send<Req, Resp>(api: ApiDef<Req, Resp>, body: Req, timeoutMs: number, deadlineMs: number): Promise<Resp> {
    const conn = await this.connection(deadlineMs);
    try {
      return await conn.send(api, body, { timeoutMs });
    } catch (err) {
      const e = asSamsaError(err);
      if (e.code === ErrorCode.NETWORK_EXCEPTION.code || e.code === ErrorCode.REQUEST_TIMED_OUT.code) {
        if (this.conn === conn) this.markUnknown(e.message);
      }
      throw e;
    }
  }

  close(): void {
    this.closed = true;
    this.node = null;
    this.conn?.close();
    this.conn = null;
  }

  private async discover(deadlineMs: number): Promise<Connection> {
    for (;;) {
      const node = await findCoordinator(this.pool, this.groupId, deadlineMs, this.options, this.keyType);
      if (this.closed) throw closedError(`the ${this.owner}`);
      const conn = new Connection({
        host: node.host, port: node.port, clientId: this.options.clientId,
        connectTimeoutMs: this.options.connectTimeoutMs, requestTimeoutMs: this.options.requestTimeoutMs,
        security: this.options.security,
      });
      try {
        await conn.connect();
        this.failures = 0;
      } catch (err) {
        conn.close();
        const waitMs = exponentialBackoffMs(this.failures++, this.options.reconnectBackoffMs, this.options.reconnectBackoffMaxMs);
        if (Date.now() + waitMs >= deadlineMs) throw err;
        await sleep(waitMs);
        continue;
      }
      if (this.closed) {
        conn.close();
        throw closedError(`the ${this.owner}`);
      }
      conn.on('close', () => {
        if (this.conn === conn) this.markUnknown('connection closed');
      });
      this.log.info(`Discovered ${this.keyType === KEY_TYPE_GROUP ? 'group' : 'transaction'} coordinator ${node.host}:${node.port} (id: ${node.nodeId}) for ${describeKey(this.groupId, this.keyType)}`);
      this.node = node;
      this.conn = conn;
      return conn;
    }
  }
}
