/**
 * ZooKeeper multi (an atomic transaction of create/setData/check/delete) over
 * node-zookeeper-client, with the failing operation's index and path in the error (a controller
 * election tells NODE_EXISTS at 0 from BAD_VERSION at 1 this way).
 */
import { pinLastOpVersion } from './node-zk-compat';
import { ZkError, ZkErrorCode, zkCodeName } from './zk-errors';
import { CREATE_MODE_NUMBER, toZkStat, ZkOp, ZkOpResult } from './zk-types';
import type * as zookeeper from 'node-zookeeper-client';

/** Commits `ops` as one transaction on `client`; `cb` gets the results or a ZkError naming the failed op. */
export function commitMulti(client: zookeeper.Client, ops: readonly ZkOp[], cb: (err: unknown, results?: ZkOpResult[]) => void): void {
  const transaction = client.transaction();
  for (const op of ops) addOp(transaction, op);
  transaction.commit((err, results: Array<{ err?: number; path?: string; stat?: zookeeper.Stat }>) => {
    if (!err) return cb(null, ops.map((op, i) => toOpResult(op, results[i] ?? {})));
    const index = Array.isArray(results) ? results.findIndex((r) => typeof r.err === 'number' && r.err !== 0) : -1;
    if (index < 0) return cb(err);
    const code = libraryCodeName(err);
    cb(new ZkError(code, `multi failed at op ${index} (${ops[index].op} ${ops[index].path}): ${code}`,
      { path: ops[index].path, zkCode: results[index].err, failedOpIndex: index, cause: err }));
  });
}

function addOp(transaction: zookeeper.Transaction, op: ZkOp): void {
  switch (op.op) {
    case 'create':
      if (op.data) transaction.create(op.path, op.data, CREATE_MODE_NUMBER[op.mode ?? 'PERSISTENT']);
      else transaction.create(op.path, CREATE_MODE_NUMBER[op.mode ?? 'PERSISTENT']);
      return;
    case 'setData':
      transaction.setData(op.path, op.data, op.version ?? -1);
      pinLastOpVersion(transaction, op.version ?? -1);
      return;
    case 'check':
      transaction.check(op.path, op.version);
      pinLastOpVersion(transaction, op.version);
      return;
    case 'delete':
      transaction.remove(op.path, op.version ?? -1);
      pinLastOpVersion(transaction, op.version ?? -1);
      return;
  }
}

function toOpResult(op: ZkOp, raw: { path?: string; stat?: zookeeper.Stat }): ZkOpResult {
  switch (op.op) {
    case 'create': return { op: 'create', path: raw.path ?? op.path };
    case 'setData': return { op: 'setData', stat: toZkStat(raw.stat as zookeeper.Stat) };
    case 'check': return { op: 'check' };
    case 'delete': return { op: 'delete' };
  }
}

function libraryCodeName(err: unknown): ZkErrorCode {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? zkCodeName(code) : 'SYSTEM_ERROR';
}
