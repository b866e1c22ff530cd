/**
 * The only place that reaches into node-zookeeper-client (1.1.x) internals.
 *
 * The library is small and unmaintained, and a few of its defects matter to a broker:
 *  - `Exception.create` throws on an error code it does not know (newer servers send -118..-127);
 *    the throw happens inside the socket 'data' handler and would crash the process.
 *  - `WatcherManager.emit` throws on an unknown watch event type, also inside 'data'.
 *  - `Transaction.check/setData/remove` coerce version 0 to -1 (`version || -1`), silently turning
 *    a compare-and-set on a fresh node into an unconditional write.
 *  - There is no read timeout: a hung server (or a SIGSTOPped one) never makes the client notice,
 *    and `close()` on a disconnected client can leave its socket retrying. The facade detects
 *    liveness itself and uses `destroySocket` to force the library to reconnect or let go.
 * Keeping these here means an upgrade of the library is reviewed against one file.
 */
import * as net from 'net';
import * as zookeeper from 'node-zookeeper-client';
import { getLogger } from '../util/logger';

const log = getLogger('zk');

interface LibraryException {
  code: number;
  name: string;
  path?: string;
  message: string;
}

type ExceptionModule = {
  create: (code: number, path?: string) => LibraryException;
  prototype: object;
  __samsaPatched?: boolean;
};

type WatcherManagerClass = { prototype: { emit: (event: unknown) => void; __samsaPatched?: boolean } };

let installed = false;

/** Installs the crash guards once per process; safe to call from every constructor. */
export function installLibraryGuards(): void {
  if (installed) return;
  installed = true;
  guardUnknownErrorCodes();
  guardUnknownWatchEvents();
}

function guardUnknownErrorCodes(): void {
  const Exception = zookeeper.Exception as unknown as ExceptionModule;
  if (Exception.__samsaPatched) return;
  const original = Exception.create.bind(Exception);
  Exception.create = (code: number, path?: string): LibraryException => {
    try {
      return original(code, path);
    } catch {
      // Same shape as the library's Exception so its own `getCode()` calls keep working.
      const fallback = Object.create(Exception.prototype) as LibraryException & Error;
      fallback.code = code;
      fallback.name = `UNKNOWN_${Math.abs(code)}`;
      fallback.path = path;
      fallback.message = `Exception: ${fallback.name}[${code}]${path ? `@${path}` : ''}`;
      Error.captureStackTrace(fallback);
      return fallback;
    }
  };
  Exception.__samsaPatched = true;
}

function guardUnknownWatchEvents(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const WatcherManager = require('node-zookeeper-client/lib/WatcherManager.js') as WatcherManagerClass;
  const proto = WatcherManager.prototype;
  if (proto.__samsaPatched) return;
  const original = proto.emit;
  proto.emit = function guardedEmit(this: unknown, event: unknown): void {
    try {
      original.call(this, event);
    } catch (err) {
      log.warn(`Ignoring a ZooKeeper watch notification the client library cannot handle: ${(err as Error).message}`);
    }
  };
  proto.__samsaPatched = true;
}

/** A multi operation in the library's internal form (see node-zookeeper-client/lib/Transaction.js). */
interface LibraryOp {
  version?: number;
}

/**
 * Sets the expected version of the transaction's most recently added op, undoing the library's
 * `version || -1` coercion that would turn version 0 into "any version".
 */
export function pinLastOpVersion(transaction: zookeeper.Transaction, version: number): void {
  const ops = (transaction as unknown as { ops?: LibraryOp[] }).ops;
  if (!Array.isArray(ops) || ops.length === 0) {
    throw new Error('node-zookeeper-client Transaction has no ops array; the library changed, see lib/zk/node-zk-compat.ts');
  }
  ops[ops.length - 1].version = version;
}

/** ConnectionManager.STATES.CLOSING in the library: a socket closing in this state is not retried. */
const LIBRARY_CLOSING_STATE = -1;

/**
 * `client.close()` without its crash: before the library has created its first socket, close()
 * writes the close request to `undefined`. Then only the state is set, so no reconnect follows.
 */
export function closeLibraryClient(client: zookeeper.Client): void {
  const manager = (client as unknown as { connectionManager?: { socket?: unknown; setState?: (state: number) => void } }).connectionManager;
  if (manager && manager.socket === undefined) {
    manager.setState?.(LIBRARY_CLOSING_STATE);
    return;
  }
  client.close();
}

/** The library's live socket (connecting or connected), or null. */
export function currentSocket(client: zookeeper.Client): net.Socket | null {
  const socket = (client as unknown as { connectionManager?: { socket?: unknown } }).connectionManager?.socket;
  return socket instanceof net.Socket && !socket.destroyed ? socket : null;
}

/** Destroys the client's current socket, if any, so the library reconnects (or, when closing, stops). */
export function destroySocket(client: zookeeper.Client): void {
  currentSocket(client)?.destroy();
}

