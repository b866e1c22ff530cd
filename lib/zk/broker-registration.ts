/**
 * A broker's presence in the cluster: the ephemeral `/brokers/ids/<id>` znode, Kafka's format.
 *
 * The znode's czxid is the broker epoch: it changes every time the broker registers, so the
 * controller can tell a bounced broker from one that never left. Registration refuses a broker
 * id held by another live session, but replaces a node left by one of our own sessions (the
 * current one after a retried create, or an expired earlier one whose nodes are not gone yet). After
 * each new ZooKeeper session the node is written again automatically.
 */
import { EventEmitter } from 'events';
import { getLogger } from '../util/logger';
import { sleep } from '../util/time';
import type { ZkClient } from './zk-client';
import { isZkError, ZkError } from './zk-errors';
import { NO_EPHEMERAL_OWNER } from './zk-types';
import { BrokerEndpoint, BrokerIdZNode, BrokerInfo, parseEndpoint, ZkPaths } from './znodes';

const log = getLogger('zk');

const CREATE_ATTEMPTS = 5;
const RETRY_DELAY_MS = 1000;

export interface BrokerRegistrationInfo {
  brokerId: number;
  /** The advertised PLAINTEXT host and port (Kafka's top-level `host`/`port`); null and -1 when there is none. */
  host: string | null;
  port: number;
  /** Advertised listeners as `NAME://host:port` or endpoints; default: PLAINTEXT://host:port. */
  listeners?: ReadonlyArray<string | BrokerEndpoint>;
  rack?: string | null;
  jmxPort?: number;
}

export class BrokerIdInUseError extends Error {
  readonly code = 'BROKER_ID_IN_USE';
  readonly retriable = false;

  constructor(readonly brokerId: number, readonly owner: string) {
    super(owner === NO_EPHEMERAL_OWNER
      ? `Broker id ${brokerId} cannot register: ${ZkPaths.brokerId(brokerId)} exists as a persistent node (not a live broker); delete it with zkCli`
      : `Broker id ${brokerId} is already registered by another live session (0x${owner}) — is another broker running with broker.id=${brokerId}?`);
    this.name = 'BrokerIdInUseError';
  }
}

/**
 * A live registration. Events: 're-registered' (epoch: bigint) after a new ZooKeeper session,
 * 'registration-failed' (error) when that could not be done.
 */
export class BrokerRegistration extends EventEmitter {
  private epoch: bigint;
  private active = true;

  constructor(private readonly zk: ZkClient, readonly brokerId: number, private readonly endpoints: BrokerEndpoint[],
    private readonly info: BrokerRegistrationInfo, epoch: bigint) {
    super();
    this.epoch = epoch;
    zk.on('new-session', this.onNewSession);
  }

  /** The czxid of the current registration node. */
  get brokerEpoch(): bigint {
    return this.epoch;
  }

  /** Stops re-registering and removes the node if it is still this registration's. */
  async deregister(): Promise<void> {
    this.active = false;
    this.zk.off('new-session', this.onNewSession);
    const path = ZkPaths.brokerId(this.brokerId);
    try {
      const stat = await this.zk.exists(path);
      if (stat && stat.ephemeralOwner === this.zk.sessionId && stat.czxid === this.epoch) await this.zk.delete(path, stat.version);
    } catch (err) {
      if (!isZkError(err, 'NO_NODE', 'CLIENT_CLOSED', 'SESSION_EXPIRED', 'CONNECTION_LOSS')) throw err;
    }
  }

  private readonly onNewSession = (): void => {
    void this.reRegister();
  };

  private async reRegister(): Promise<void> {
    for (let attempt = 1; this.active; attempt++) {
      try {
        this.epoch = await writeRegistration(this.zk, this.info, this.endpoints);
        log.info(`Re-registered broker ${this.brokerId} on the new ZooKeeper session (epoch ${this.epoch})`);
        this.emit('re-registered', this.epoch);
        return;
      } catch (err) {
        const retry = isZkError(err) && err.retriable && err.code !== 'SESSION_EXPIRED' && attempt < CREATE_ATTEMPTS;
        if (isZkError(err, 'SESSION_EXPIRED', 'CLIENT_CLOSED')) return; // the next 'new-session' tries again
        if (!retry) {
          log.error(`Could not re-register broker ${this.brokerId}: ${(err as Error).message}`);
          this.emit('registration-failed', err);
          return;
        }
        await sleep(RETRY_DELAY_MS);
      }
    }
  }
}

export function toEndpoints(info: BrokerRegistrationInfo): BrokerEndpoint[] {
  const listeners = info.listeners && info.listeners.length > 0 ? info.listeners : [`PLAINTEXT://${info.host}:${info.port}`];
  return listeners.map((listener) => {
    if (typeof listener !== 'string') return listener;
    const endpoint = parseEndpoint(listener);
    if (!endpoint) throw new Error(`Invalid listener '${listener}': expected NAME://host:port`);
    return endpoint;
  });
}

/** Registers the broker; rejects with BrokerIdInUseError when another live broker holds the id. */
export async function registerBroker(zk: ZkClient, info: BrokerRegistrationInfo): Promise<BrokerRegistration> {
  const endpoints = toEndpoints(info);
  const epoch = await writeRegistration(zk, info, endpoints);
  log.info(`Registered broker ${info.brokerId} at ${ZkPaths.brokerId(info.brokerId)} (epoch ${epoch})`);
  return new BrokerRegistration(zk, info.brokerId, endpoints, info, epoch);
}

async function writeRegistration(zk: ZkClient, info: BrokerRegistrationInfo, endpoints: BrokerEndpoint[]): Promise<bigint> {
  const path = ZkPaths.brokerId(info.brokerId);
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    const data = BrokerIdZNode.encode({
      host: info.host, port: info.port, endpoints, rack: info.rack ?? null, jmxPort: info.jmxPort ?? -1, timestampMs: Date.now(),
    });
    try {
      await zk.create(path, data, 'EPHEMERAL');
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) {
        await zk.createPersistentPath(ZkPaths.brokerIds);
        continue;
      }
      // After CONNECTION_LOSS the create may have happened; the next attempt finds out.
      if (isZkError(err, 'CONNECTION_LOSS')) continue;
      if (!isZkError(err, 'NODE_EXISTS')) throw err;
      await removeStaleNode(zk, info);
      continue;
    }
    const stat = await zk.exists(path);
    if (stat && stat.ephemeralOwner === zk.sessionId) return stat.czxid;
  }
  throw new ZkError('SYSTEM_ERROR', `Could not register broker ${info.brokerId} at ${path} after ${CREATE_ATTEMPTS} attempts`, { path });
}

/**
 * Clears the way when `/brokers/ids/<id>` already exists. Our own session's node is replaced at
 * once. A node owned by another session that advertises our very host:port — a port this process
 * has just bound, so no live broker can be serving there — is our previous incarnation, killed
 * before it could deregister: ZooKeeper removes it when that dead session expires, so we wait for
 * that. Anything else is another live broker with the same id.
 */
async function removeStaleNode(zk: ZkClient, info: BrokerRegistrationInfo): Promise<void> {
  const path = ZkPaths.brokerId(info.brokerId);
  const stat = await zk.exists(path);
  if (!stat) return;
  if (!zk.ownsSession(stat.ephemeralOwner)) {
    const existing = stat.ephemeralOwner === NO_EPHEMERAL_OWNER ? null : await readRegistration(zk, info.brokerId);
    if (!existing || existing.host !== info.host || existing.port !== info.port) {
      throw new BrokerIdInUseError(info.brokerId, stat.ephemeralOwner);
    }
    await awaitPreviousSessionExpiry(zk, info.brokerId, stat.ephemeralOwner);
    return;
  }
  log.info(`Replacing the stale registration of broker ${info.brokerId} left by our session 0x${stat.ephemeralOwner}`);
  try {
    await zk.delete(path, stat.version);
  } catch (err) {
    if (!isZkError(err, 'NO_NODE', 'BAD_VERSION')) throw err;
  }
}

async function readRegistration(zk: ZkClient, brokerId: number): Promise<BrokerInfo | null> {
  try {
    const { data } = await zk.getData(ZkPaths.brokerId(brokerId));
    return BrokerIdZNode.decode(brokerId, data);
  } catch {
    // Gone, or not a registration Samsa can read: either way not our previous incarnation.
    return null;
  }
}

const EXPIRY_POLL_MS = 250;

async function awaitPreviousSessionExpiry(zk: ZkClient, brokerId: number, owner: string): Promise<void> {
  // The dead session's timeout is unknown but bounded by ZooKeeper's maxSessionTimeout (20 ticks).
  const deadline = Date.now() + Math.max(2 * zk.sessionTimeoutMs, 40000);
  log.info(`Broker ${brokerId}'s previous session 0x${owner} still holds ${ZkPaths.brokerId(brokerId)}; waiting for ZooKeeper to expire it`);
  while (Date.now() < deadline) {
    const stat = await zk.exists(ZkPaths.brokerId(brokerId));
    if (!stat || stat.ephemeralOwner !== owner) return;
    await sleep(EXPIRY_POLL_MS);
  }
  throw new BrokerIdInUseError(brokerId, owner);
}
