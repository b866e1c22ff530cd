/**
 * The value types of the ZooKeeper facade: znode stats, create modes, multi operations and watch
 * events, plus their conversion from node-zookeeper-client's raw shapes.
 *
 * The library hands out 8-byte Buffers for zxids and session ids; the facade turns them into
 * `bigint` zxids (czxid is the broker epoch, compared and logged as a number) and 16-digit hex
 * session ids (how ZooKeeper prints them, e.g. in `stat` output as `0x1000...`).
 */
import * as zookeeper from 'node-zookeeper-client';

export interface ZkStat {
  /** zxid of the transaction that created the node; a broker registration's czxid is its epoch. */
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctimeMs: number;
  mtimeMs: number;
  /** Data version: the compare-and-set token for setData/delete/check. */
  version: number;
  /** Child version: bumped by every child create/delete. */
  cversion: number;
  aversion: number;
  /** Owning session as 16 hex digits; `NO_EPHEMERAL_OWNER` for persistent nodes. */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export const NO_EPHEMERAL_OWNER = '0000000000000000';

export type ZkCreateMode = 'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL';

export const CREATE_MODE_NUMBER: Readonly<Record<ZkCreateMode, number>> = {
  PERSISTENT: zookeeper.CreateMode.PERSISTENT,
  EPHEMERAL: zookeeper.CreateMode.EPHEMERAL,
  PERSISTENT_SEQUENTIAL: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  EPHEMERAL_SEQUENTIAL: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

/** One operation of an atomic `multi`. Versions default to -1 (any version). */
export type ZkOp =
  | { op: 'create'; path: string; data?: Buffer | null; mode?: ZkCreateMode }
  | { op: 'setData'; path: string; data: Buffer; version?: number }
  | { op: 'check'; path: string; version: number }
  | { op: 'delete'; path: string; version?: number };

export type ZkOpResult =
  | { op: 'create'; path: string }
  | { op: 'setData'; stat: ZkStat }
  | { op: 'check' }
  | { op: 'delete' };

export type ZkEventType = 'NODE_CREATED' | 'NODE_DELETED' | 'NODE_DATA_CHANGED' | 'NODE_CHILDREN_CHANGED'
  /** Synthetic: the session that held the watch is gone; re-read and re-arm. */
  | 'SESSION_EXPIRED';

export interface ZkWatchEvent {
  type: ZkEventType;
  /** Path relative to the chroot, as passed when the watch was set. */
  path: string;
}

/** A one-shot watch callback. It fires at most once; callers re-arm it by reading again. */
export type ZkWatcher = (event: ZkWatchEvent) => void;

export interface ZkNodeData {
  data: Buffer | null;
  stat: ZkStat;
}

export function bufferToBigInt(buffer: Buffer | undefined): bigint {
  if (!buffer || buffer.length !== 8) return 0n;
  return buffer.readBigInt64BE(0);
}

export function sessionIdHex(buffer: Buffer | undefined): string {
  if (!buffer || buffer.length !== 8) return NO_EPHEMERAL_OWNER;
  return buffer.toString('hex');
}

export function toZkStat(raw: zookeeper.Stat): ZkStat {
  return {
    czxid: bufferToBigInt(raw.czxid),
    mzxid: bufferToBigInt(raw.mzxid),
    pzxid: bufferToBigInt(raw.pzxid),
    ctimeMs: Number(bufferToBigInt(raw.ctime)),
    mtimeMs: Number(bufferToBigInt(raw.mtime)),
    version: raw.version,
    cversion: raw.cversion,
    aversion: raw.aversion,
    ephemeralOwner: sessionIdHex(raw.ephemeralOwner),
    dataLength: raw.dataLength,
    numChildren: raw.numChildren,
  };
}

const EVENT_TYPES: Readonly<Record<number, ZkEventType>> = {
  [zookeeper.Event.NODE_CREATED]: 'NODE_CREATED',
  [zookeeper.Event.NODE_DELETED]: 'NODE_DELETED',
  [zookeeper.Event.NODE_DATA_CHANGED]: 'NODE_DATA_CHANGED',
  [zookeeper.Event.NODE_CHILDREN_CHANGED]: 'NODE_CHILDREN_CHANGED',
};

export function toZkWatchEvent(raw: zookeeper.Event, fallbackPath: string): ZkWatchEvent {
  // Unknown types cannot reach us (the library rejects them), but a re-read is the safe reaction.
  return { type: EVENT_TYPES[raw.type] ?? 'NODE_DATA_CHANGED', path: raw.path || fallbackPath };
}
