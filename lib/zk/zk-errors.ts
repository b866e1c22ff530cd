/**
 * Typed ZooKeeper errors for the facade in `zk-client.ts`.
 *
 * node-zookeeper-client reports failures as its own `Exception` objects (numeric code, shouty
 * name) or, for bad arguments, as Node `AssertionError`s thrown synchronously. Everything the
 * facade rejects with is a `ZkError` carrying a stable code name from ZooKeeper's
 * `KeeperException.Code` table, so callers can branch on `err.code === 'NODE_EXISTS'`. Codes the
 * table does not know (a newer server) still become a `ZkError` with code `UNKNOWN`, never a crash.
 */

/** ZooKeeper's numeric codes (KeeperException.Code in 3.8) and the names the facade exposes. */
const ZK_CODES = {
  SYSTEM_ERROR: -1,
  RUNTIME_INCONSISTENCY: -2,
  DATA_INCONSISTENCY: -3,
  CONNECTION_LOSS: -4,
  MARSHALLING_ERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATION_TIMEOUT: -7,
  BAD_ARGUMENTS: -8,
  UNKNOWN_SESSION: -12,
  NEW_CONFIG_NO_QUORUM: -13,
  RECONFIG_IN_PROGRESS: -14,
  API_ERROR: -100,
  NO_NODE: -101,
  NO_AUTH: -102,
  BAD_VERSION: -103,
  NO_CHILDREN_FOR_EPHEMERALS: -108,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
  SESSION_EXPIRED: -112,
  INVALID_CALLBACK: -113,
  INVALID_ACL: -114,
  AUTH_FAILED: -115,
  SESSION_MOVED: -118,
  NOT_READONLY: -119,
  EPHEMERAL_ON_LOCAL_SESSION: -120,
  NO_WATCHER: -121,
  REQUEST_TIMEOUT: -122,
  RECONFIG_DISABLED: -123,
  SESSION_CLOSED_REQUIRE_SASL_AUTH: -124,
  QUOTA_EXCEEDED: -125,
  THROTTLED_OP: -127,
} as const;

/**
 * `CLIENT_CLOSED` is the facade's own: the caller closed the client (no ZooKeeper number).
 * `UNKNOWN` stands for a numeric code this table does not know.
 */
export type ZkErrorCode = keyof typeof ZK_CODES | 'CLIENT_CLOSED' | 'UNKNOWN';

const NAME_BY_NUMBER = new Map<number, keyof typeof ZK_CODES>(
  Object.entries(ZK_CODES).map(([name, code]) => [code, name as keyof typeof ZK_CODES]),
);

/** Errors worth retrying once the connection (or a new session) is back. */
const RETRIABLE: ReadonlySet<ZkErrorCode> = new Set<ZkErrorCode>([
  'CONNECTION_LOSS', 'OPERATION_TIMEOUT', 'SESSION_EXPIRED', 'SESSION_MOVED', 'REQUEST_TIMEOUT', 'THROTTLED_OP',
]);

export interface ZkErrorOptions {
  path?: string;
  /** ZooKeeper's numeric code when the error came from the server or the library. */
  zkCode?: number;
  /** For a failed multi: the index of the operation that failed. */
  failedOpIndex?: number;
  cause?: unknown;
}

export class ZkError extends Error {
  readonly code: ZkErrorCode;
  readonly zkCode: number | null;
  readonly path: string | null;
  readonly retriable: boolean;
  readonly failedOpIndex: number | null;

  constructor(code: ZkErrorCode, detail: string, options: ZkErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ZkError';
    this.code = code;
    this.zkCode = options.zkCode ?? (code in ZK_CODES ? ZK_CODES[code as keyof typeof ZK_CODES] : null);
    this.path = options.path ?? null;
    this.retriable = RETRIABLE.has(code);
    this.failedOpIndex = options.failedOpIndex ?? null;
  }
}

/** The facade's code name for a numeric ZooKeeper code; `UNKNOWN` for numbers it does not know. */
export function zkCodeName(zkCode: number): ZkErrorCode {
  return NAME_BY_NUMBER.get(zkCode) ?? 'UNKNOWN';
}

/** Builds the error for a numeric code returned by ZooKeeper for an operation on `path`. */
export function zkErrorForCode(zkCode: number, operation: string, path?: string, cause?: unknown): ZkError {
  const code = zkCodeName(zkCode);
  const label = code === 'UNKNOWN' ? `unknown ZooKeeper error code ${zkCode}` : code;
  const where = path === undefined ? '' : ` ${path}`;
  return new ZkError(code, `${operation}${where} failed: ${label}`, { path, zkCode, cause });
}

/**
 * Maps whatever node-zookeeper-client handed back (its Exception, an AssertionError for a bad
 * path, anything else) to a ZkError. Already-typed errors pass through unchanged.
 */
export function toZkError(err: unknown, operation: string, path?: string): ZkError {
  if (err instanceof ZkError) return err;
  const maybe = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (maybe && typeof maybe.code === 'number') return zkErrorForCode(maybe.code, operation, path, err);
  if (maybe && (maybe.name === 'AssertionError' || maybe.code === 'ERR_ASSERTION')) {
    const where = path === undefined ? '' : ` ${path}`;
    return new ZkError('BAD_ARGUMENTS', `${operation}${where} rejected: ${String(maybe.message)}`, { path, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ZkError('SYSTEM_ERROR', `${operation}${path === undefined ? '' : ` ${path}`} failed: ${message}`, { path, cause: err });
}

/** True when `err` is a ZkError, optionally with one of the given codes. */
export function isZkError(err: unknown, ...codes: ZkErrorCode[]): err is ZkError {
  return err instanceof ZkError && (codes.length === 0 || codes.includes(err.code));
}
