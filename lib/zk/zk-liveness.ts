/**
 * Connection liveness for a ZooKeeper session, run on the ZkClient's ticker: what
 * node-zookeeper-client does not do itself, and deliberately no more than ZooKeeper's own Java
 * client (ClientCnxn) does.
 *
 * - While connected: probe a quiet server, and drop a connection that stays silent for 2/3 of the
 *   session timeout (ClientCnxn's read timeout), so the library reconnects - to another server if
 *   this one is frozen or cut off.
 * - While not connected: give up on a connection attempt whose handshake never completes (the
 *   library waits forever when a server accepts the TCP connection but never answers, e.g. while
 *   it is still starting, or while it is cut off past an accepting proxy), so it tries again.
 *
 * What is NOT here: declaring the session expired after a session timeout without contact. Only
 * a server can expire a session, and the client learns it on reconnecting (the server answers
 * the connect with a zero session timeout; the library then reports EXPIRED). Silence proves
 * nothing: while the ensemble has no quorum no server can expire anything, and the re-elected
 * leader gives every session a fresh timeout, so a client that keeps reconnecting with its old
 * session id and password keeps its session, its ephemeral nodes and its watches - which is what
 * Kafka brokers rely on to ride out a ZooKeeper outage without a controller failover. A broker
 * cut off from the ensemble while the ensemble is healthy loses its session on the server side
 * (its registration and `/controller` vanish, another broker takes over); it hears so when the
 * network heals, and until then its orders as controller are fenced by the controller epoch.
 */
import { getLogger } from '../util/logger';
import type { ZkSession } from './zk-session';

const log = getLogger('zk');

/** One liveness check of `session`; `connected` is the facade's view of its state. */
export function superviseConnection(session: ZkSession, connected: boolean): void {
  const timeoutMs = session.timeoutMs;
  if (!connected) {
    session.abortStalledHandshake(Math.min(2000, Math.max(1000, Math.floor(timeoutMs / 6))));
    return;
  }
  if (!session.everConnected) return;
  const silentMs = Date.now() - session.lastHeardMs;
  if (silentMs >= timeoutMs / 3) session.probe();
  if (silentMs > (timeoutMs * 2) / 3) {
    log.warn(`No reply from ZooKeeper for ${silentMs} ms (session timeout ${timeoutMs} ms); dropping the connection`);
    session.dropConnection();
  }
}
