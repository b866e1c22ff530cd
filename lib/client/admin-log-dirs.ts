/**
 * The Admin client's describeLogDirs and alterReplicaLogDirs, as Kafka's Admin offers them: each
 * request goes to the broker concerned (a broker only knows its own directories), and the answers
 * come back per broker, per directory (with the error of a directory that failed), or per replica.
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { responseError } from './client-errors';
import { Connection } from './connection';
import type { ConnectionPool } from './connection-pool';

/** Kafka's ReplicaInfo. */
export interface ReplicaInfo {
  topic: string;
  partition: number;
  size: number;
  offsetLag: number;
  isFuture: boolean;
}

/** Kafka's LogDirDescription: `error` set (KAFKA_STORAGE_ERROR) for a directory that failed. */
export interface LogDirDescription {
  path: string;
  error: SamsaError | null;
  replicas: ReplicaInfo[];
}

/** Kafka's TopicPartitionReplica plus the directory it should move to. */
export interface ReplicaLogDirMove {
  topic: string;
  partition: number;
  brokerId: number;
  logDir: string;
}

/** AlterReplicaLogDirs to one broker for its replicas in `moves`; null (started) or the error for each. */
async function alterBrokerReplicaLogDirs(conn: Connection, moves: readonly ReplicaLogDirMove[]): Promise<Array<SamsaError | null>> {
  const byDir = new Map<string, Map<string, number[]>>();
  for (const m of moves) {
    const topics = byDir.get(m.logDir) ?? new Map<string, number[]>();
    topics.set(m.topic, [...(topics.get(m.topic) ?? []), m.partition]);
    byDir.set(m.logDir, topics);
  }
  const response = await conn.send(Api.AlterReplicaLogDirs, {
    dirs: [...byDir].map(([dir, topics]) => ({ path: dir, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) })),
  });
  const codes = new Map(response.results.flatMap((t) => t.partitions.map((p) => [`${t.topicName}-${p.partitionIndex}`, p.errorCode] as const)));
  return moves.map((m) => {
    const code = codes.get(`${m.topic}-${m.partition}`);
    if (code === undefined) return responseError(ErrorCode.UNKNOWN_SERVER_ERROR.code, null, `broker ${m.brokerId} did not answer for ${m.topic}-${m.partition}`);
    return code === 0 ? null : responseError(code, null);
  });
}

/** Every directory of the broker behind `conn`, in its log.dirs order, with all its replicas. */
async function describeBrokerLogDirs(conn: Connection): Promise<LogDirDescription[]> {
  const response = await conn.send(Api.DescribeLogDirs, { topics: null });
  return response.results.map((r) => ({
    path: r.logDir,
    error: r.errorCode === 0 ? null : responseError(r.errorCode, null),
    replicas: r.topics.flatMap((t) => t.partitions.map((p) => ({
      topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey,
    }))),
  }));
}

/** DescribeLogDirs to each broker (the pool must know them: describe the cluster first), by broker id. */
export async function describeLogDirs(pool: ConnectionPool, brokerIds: readonly number[]): Promise<Map<number, LogDirDescription[]>> {
  const answers = await Promise.all(brokerIds.map(async (id) => describeBrokerLogDirs(await pool.forNode(id))));
  return new Map(brokerIds.map((id, i) => [id, answers[i]]));
}

/** AlterReplicaLogDirs to each broker concerned; null (started) or the error, per move in order. */
export async function alterReplicaLogDirs(pool: ConnectionPool, moves: readonly ReplicaLogDirMove[]): Promise<Array<SamsaError | null>> {
  const results = new Map<ReplicaLogDirMove, SamsaError | null>();
  await Promise.all([...new Set(moves.map((m) => m.brokerId))].map(async (id) => {
    const mine = moves.filter((m) => m.brokerId === id);
    const errors = await pool.forNode(id).then((conn) => alterBrokerReplicaLogDirs(conn, mine)).catch((err: SamsaError) => mine.map(() => err));
    mine.forEach((m, i) => results.set(m, errors[i]));
  }));
  return moves.map((m) => results.get(m) ?? null);
}
