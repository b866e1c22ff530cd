/**
 * The Admin client's describeLogDirs, as Kafka's Admin offers it: DescribeLogDirs goes to each
 * broker asked about (a broker only knows its own directories), and the answers come back per
 * broker, per directory, with the error of a directory that failed.
 */
import { Api } from '../protocol/api';
import { SamsaError } from '../protocol/errors';
import { responseError } from './client-errors';
import { Connection } from './connection';

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

/** Every directory of the broker behind `conn`, in its log.dirs order, with all its replicas. */
export async function describeBrokerLogDirs(conn: Connection): Promise<LogDirDescription[]> {
  const response = await conn.send(Api.DescribeLogDirs, { topics: null });
  return response.results.map((r) => ({
    path: r.logDir,
    error: r.errorCode === 0 ? null : responseError(r.errorCode, null),
    replicas: r.topics.flatMap((t) => t.partitions.map((p) => ({
      topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey,
    }))),
  }));
}
