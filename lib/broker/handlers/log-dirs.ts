/**
 * DescribeLogDirs (key 35) and AlterReplicaLogDirs (key 34), answered by the broker they reach
 * about its own directories.
 *
 * DescribeLogDirs reports them as Kafka 2.8's ReplicaManager.describeLogDirs: each configured
 * directory, KAFKA_STORAGE_ERROR for one that failed (with no replicas), otherwise the replicas it
 * holds (all, or those the request names) with their size in bytes and offset lag: for a current
 * replica how far its log end is behind the high watermark (-1 when the partition is not set up
 * here), for a future one (a move under way, isFutureKey) how far it is behind the current log.
 *
 * AlterReplicaLogDirs starts moves (replica-log-dir-mover.ts) and answers each partition at once.
 *
 * Authorization as Kafka: Describe on the Cluster (else no directories are listed), Alter on the
 * Cluster (else every partition gets CLUSTER_AUTHORIZATION_FAILED).
 */
import { ErrorCode } from '../../protocol/errors';
import type {
  AlterReplicaLogDirsRequestData, AlterReplicaLogDirsResponseData, DescribeLogDirsRequestData, DescribeLogDirsResponseData,
} from '../../protocol/messages/log-dirs';
import type { LogManager } from '../../storage/log-manager';
import { AccessControl, authorizeCluster } from '../authorize';
import type { FutureReplica, ReplicaLogDirMover } from '../replica-log-dir-mover';
import type { ReplicaManager } from '../replica-manager';
import { Handler } from '../request-context';

type LogDirResult = DescribeLogDirsResponseData['results'][number];
type PartitionInfo = LogDirResult['topics'][number]['partitions'][number];

export function describeLogDirsHandler(ctx: AccessControl & { replicas: ReplicaManager }, mover: ReplicaLogDirMover): Handler<DescribeLogDirsRequestData, DescribeLogDirsResponseData> {
  return (req, rc) => {
    if (!authorizeCluster(ctx, rc, 'Describe')) return { throttleTimeMs: 0, results: [] };
    return { throttleTimeMs: 0, results: describeLogDirs(ctx.replicas.logManager, ctx.replicas, req.topics, mover.futureReplicas()) };
  };
}

export function alterReplicaLogDirsHandler(ctx: AccessControl, mover: ReplicaLogDirMover): Handler<AlterReplicaLogDirsRequestData, AlterReplicaLogDirsResponseData> {
  return (req, rc) => {
    if (!authorizeCluster(ctx, rc, 'Alter')) return alterReplicaLogDirsErrorResponse(req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
    // As Kafka (a map by partition): a partition named twice goes to the last directory named.
    const wanted = new Map<string, { topic: string; partition: number; dir: string }>();
    for (const d of req.dirs) for (const t of d.topics) for (const p of t.partitions) wanted.set(`${t.name}\u0000${p}`, { topic: t.name, partition: p, dir: d.path });
    return byTopic([...wanted.values()].map((w) => ({ ...w, errorCode: mover.alter(w.topic, w.partition, w.dir) })));
  };
}

/** Kafka's AlterReplicaLogDirsRequest.getErrorResponse: the error for every partition named. */
export function alterReplicaLogDirsErrorResponse(req: AlterReplicaLogDirsRequestData, errorCode: number): AlterReplicaLogDirsResponseData {
  return byTopic(req.dirs.flatMap((d) => d.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition, errorCode })))));
}

function byTopic(outcomes: Array<{ topic: string; partition: number; errorCode: number }>): AlterReplicaLogDirsResponseData {
  const topics = new Map<string, Array<{ partitionIndex: number; errorCode: number }>>();
  for (const o of outcomes) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partitionIndex: o.partition, errorCode: o.errorCode }]);
  return { throttleTimeMs: 0, results: [...topics].map(([topicName, partitions]) => ({ topicName, partitions })) };
}

/** Every configured directory, in log.dirs order; `wanted` null selects every replica. */
export function describeLogDirs(logs: LogManager, replicas: Pick<ReplicaManager, 'getPartition'>, wanted: DescribeLogDirsRequestData['topics'],
  futures: readonly FutureReplica[] = []): LogDirResult[] {
  const selected = wanted === null ? null : new Set(wanted.flatMap((t) => t.partitionIndex.map((p) => `${t.topic}-${p}`)));
  const isSelected = (topic: string, partition: number): boolean => selected === null || selected.has(`${topic}-${partition}`);
  const offline = new Set(logs.offlineDirs());
  return logs.logDirs.map((logDir): LogDirResult => {
    if (offline.has(logDir)) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR.code, logDir, topics: [] };
    const byName = new Map<string, PartitionInfo[]>();
    const add = (topic: string, info: PartitionInfo): void => { byName.set(topic, [...(byName.get(topic) ?? []), info]); };
    for (const log of logs.logsIn(logDir)) {
      if (!isSelected(log.topic, log.partition)) continue;
      const partition = replicas.getPartition(log.topic, log.partition);
      const offsetLag = partition === undefined ? -1 : Math.max(partition.highWatermark - log.logEndOffset, 0);
      add(log.topic, { partitionIndex: log.partition, partitionSize: log.size, offsetLag, isFutureKey: false });
    }
    for (const f of futures) {
      if (f.logDir !== logDir || !isSelected(f.log.topic, f.log.partition)) continue;
      add(f.log.topic, { partitionIndex: f.log.partition, partitionSize: f.log.size, offsetLag: f.offsetLag, isFutureKey: true });
    }
    const topics = [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex || Number(a.isFutureKey) - Number(b.isFutureKey)) }));
    return { errorCode: 0, logDir, topics };
  });
}
