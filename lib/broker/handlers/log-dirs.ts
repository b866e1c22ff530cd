/**
 * DescribeLogDirs (key 35): this broker's log directories as Kafka 2.8's ReplicaManager
 * .describeLogDirs reports them: each configured directory, KAFKA_STORAGE_ERROR for one that
 * failed (with no replicas), otherwise the replicas it holds (all, or those the request names)
 * with their size in bytes and offset lag (how far the log end is behind the high watermark, -1
 * when the partition is not set up here). Samsa has no future replicas, so isFutureKey is false.
 *
 * Authorization: Describe on the Cluster, as Kafka; without it the answer lists no directories.
 */
import { ErrorCode } from '../../protocol/errors';
import type { DescribeLogDirsRequestData, DescribeLogDirsResponseData } from '../../protocol/messages/log-dirs';
import type { LogManager } from '../../storage/log-manager';
import { AccessControl, authorizeCluster } from '../authorize';
import type { ReplicaManager } from '../replica-manager';
import { Handler } from '../request-context';

type LogDirResult = DescribeLogDirsResponseData['results'][number];

export function describeLogDirsHandler(ctx: AccessControl & { replicas: ReplicaManager }): Handler<DescribeLogDirsRequestData, DescribeLogDirsResponseData> {
  return (req, rc) => {
    if (!authorizeCluster(ctx, rc, 'Describe')) return { throttleTimeMs: 0, results: [] };
    return { throttleTimeMs: 0, results: describeLogDirs(ctx.replicas.logManager, ctx.replicas, req.topics) };
  };
}

/** Every configured directory, in log.dirs order; `wanted` null selects every replica. */
export function describeLogDirs(logs: LogManager, replicas: Pick<ReplicaManager, 'getPartition'>, wanted: DescribeLogDirsRequestData['topics']): LogDirResult[] {
  const selected = wanted === null ? null : new Set(wanted.flatMap((t) => t.partitionIndex.map((p) => `${t.topic}-${p}`)));
  const offline = new Set(logs.offlineDirs());
  return logs.logDirs.map((logDir): LogDirResult => {
    if (offline.has(logDir)) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR.code, logDir, topics: [] };
    const byTopic = new Map<string, LogDirResult['topics'][number]['partitions']>();
    for (const log of logs.logsIn(logDir)) {
      if (selected !== null && !selected.has(`${log.topic}-${log.partition}`)) continue;
      const partition = replicas.getPartition(log.topic, log.partition);
      const offsetLag = partition === undefined ? -1 : Math.max(partition.highWatermark - log.logEndOffset, 0);
      const list = byTopic.get(log.topic) ?? [];
      list.push({ partitionIndex: log.partition, partitionSize: log.size, offsetLag, isFutureKey: false });
      byTopic.set(log.topic, list);
    }
    const topics = [...byTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) }));
    return { errorCode: 0, logDir, topics };
  });
}
