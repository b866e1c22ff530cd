/**
 * Controller fencing for znode writes, as in Kafka: every write made on behalf of the controller
 * runs in a multi together with `check(/controller_epoch, <version the controller won with>)`.
 * If another broker has since won an election the check fails and nothing is written - a
 * deposed controller that has not noticed yet (long GC, partition) cannot corrupt state.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import type { ZkClient } from './zk-client';
import { isZkError, ZkError } from './zk-errors';
import type { ZkCreateMode, ZkOp, ZkOpResult } from './zk-types';
import { ZkPaths } from './znodes';

/** The `/controller_epoch` znode version this controller wrote when it won. */
export interface ControllerFence {
  epochZkVersion: number;
}

/** The fence check failed: another broker is controller now. */
export class ControllerMovedError extends SamsaError {
  constructor(detail: string) {
    super(ErrorCode.NOT_CONTROLLER, detail);
    this.name = 'ControllerMovedError';
  }
}

/** Runs `ops` atomically, behind the fence when one is given; results exclude the check. */
export async function fencedMulti(zk: ZkClient, ops: readonly ZkOp[], fence?: ControllerFence): Promise<ZkOpResult[]> {
  if (!fence) return zk.multi(ops);
  try {
    const results = await zk.multi([{ op: 'check', path: ZkPaths.controllerEpoch, version: fence.epochZkVersion }, ...ops]);
    return results.slice(1);
  } catch (err) {
    if (!isZkError(err) || err.failedOpIndex === null) throw err;
    if (err.failedOpIndex === 0) {
      throw new ControllerMovedError(`${ZkPaths.controllerEpoch} is no longer at version ${fence.epochZkVersion}: another broker became controller`);
    }
    // Report the failing op's index in the caller's list, not ours.
    throw new ZkError(err.code, err.message, { path: err.path ?? undefined, zkCode: err.zkCode ?? undefined, failedOpIndex: err.failedOpIndex - 1, cause: err });
  }
}

/** setData behind the fence; returns the node's new version. */
export async function fencedSetData(zk: ZkClient, path: string, data: Buffer, version: number, fence?: ControllerFence): Promise<number> {
  if (!fence) return (await zk.setData(path, data, version)).version;
  const [result] = await fencedMulti(zk, [{ op: 'setData', path, data, version }], fence);
  return result.op === 'setData' ? result.stat.version : -1;
}

export async function fencedCreate(zk: ZkClient, path: string, data: Buffer | null, mode: ZkCreateMode, fence?: ControllerFence): Promise<string> {
  if (!fence) return zk.create(path, data, mode);
  const [result] = await fencedMulti(zk, [{ op: 'create', path, data, mode }], fence);
  return result.op === 'create' ? result.path : path;
}

/** Deletes behind the fence; a node that is already gone is fine. */
export async function fencedDeleteIfExists(zk: ZkClient, path: string, fence?: ControllerFence, version = -1): Promise<void> {
  try {
    if (fence) await fencedMulti(zk, [{ op: 'delete', path, version }], fence);
    else await zk.delete(path, version);
  } catch (err) {
    if (!isZkError(err, 'NO_NODE')) throw err;
  }
}
