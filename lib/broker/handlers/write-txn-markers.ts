/**
 * WriteTxnMarkers (KIP-98): the transaction coordinator asks each partition leader to close a
 * producer's transaction by appending a commit or abort marker (a control batch,
 * lib/record/control-record.ts). Kafka's KafkaApis.handleWriteTxnMarkersRequest: the caller needs
 * ClusterAction on the Cluster (brokers, or `samsa-transactions --abort` run by an admin), a
 * partition this broker does not host answers UNKNOWN_TOPIC_OR_PARTITION, and the append runs with
 * acks=all semantics (the answer waits until the ISR holds the marker, i.e. the high watermark
 * covers it, up to request.timeout.ms), so the marker is never lost with a leader change. The log
 * checks the producer epoch (INVALID_PRODUCER_EPOCH) and the coordinator epoch
 * (TRANSACTION_COORDINATOR_FENCED) and keeps the producer state, LSO and `.txnindex` in step.
 * Each marker written is announced on ctx.txnMarkers (the group coordinator settles a
 * transaction's offsets when its marker lands on `__consumer_offsets`).
 */
import { ErrorCode, SamsaError, toErrorCode } from '../../protocol/errors';
import { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/messages/transactions';
import { Infer } from '../../protocol/schema';
import { encodeEndTxnMarkerBatch } from '../../record/control-record';
import { authorizeCluster } from '../authorize';
import { BrokerContext } from '../broker-context';
import { Handler } from '../request-context';

export type WriteTxnMarkersRequestData = Infer<typeof WriteTxnMarkersRequest>;
export type WriteTxnMarkersResponseData = Infer<typeof WriteTxnMarkersResponse>;

type Marker = WriteTxnMarkersRequestData['markers'][number];
type MarkerResult = WriteTxnMarkersResponseData['markers'][number];

export function writeTxnMarkersHandler(ctx: BrokerContext): Handler<WriteTxnMarkersRequestData, WriteTxnMarkersResponseData> {
  return async (req, rc) => {
    if (!authorizeCluster(ctx, rc, 'ClusterAction')) return writeTxnMarkersFailure(req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
    return { markers: await Promise.all(req.markers.map((marker) => writeMarker(ctx, marker))) };
  };
}

/** The answer giving every partition of the request `errorCode`. */
export function writeTxnMarkersFailure(req: WriteTxnMarkersRequestData, errorCode: number): WriteTxnMarkersResponseData {
  return {
    markers: req.markers.map((m) => ({
      producerId: m.producerId,
      topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode })) })),
    })),
  };
}

async function writeMarker(ctx: BrokerContext, marker: Marker): Promise<MarkerResult> {
  return {
    producerId: marker.producerId,
    topics: await Promise.all(marker.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(topic.partitionIndexes.map(async (partitionIndex) => ({
        partitionIndex, errorCode: await writeToPartition(ctx, marker, topic.name, partitionIndex),
      }))),
    }))),
  };
}

async function writeToPartition(ctx: BrokerContext, marker: Marker, topic: string, partition: number): Promise<number> {
  try {
    if (ctx.replicas.getPartition(topic, partition) === undefined) {
      throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${partition} is not hosted by this broker`);
    }
    const batch = encodeEndTxnMarkerBatch({
      producerId: marker.producerId, producerEpoch: marker.producerEpoch, committed: marker.transactionResult,
      coordinatorEpoch: marker.coordinatorEpoch, timestamp: Date.now(),
    });
    const result = await ctx.replicas.appendRecords(topic, partition, batch, -1, ctx.config.requestTimeoutMs, undefined, 'coordinator');
    if (result.errorCode !== 0) {
      ctx.logger.warn(`Writing the ${marker.transactionResult ? 'commit' : 'abort'} marker of producer ${marker.producerId} to ${topic}-${partition} failed: ${result.errorMessage ?? result.errorCode}`);
      return result.errorCode;
    }
    ctx.txnMarkers.notify({
      topic, partition, producerId: marker.producerId, producerEpoch: marker.producerEpoch, committed: marker.transactionResult, offset: result.baseOffset,
    }, (err) => ctx.logger.error(`A transaction marker observer failed for ${topic}-${partition}: ${(err as Error).stack}`));
    return 0;
  } catch (err) {
    if (!(err instanceof SamsaError)) ctx.logger.error(`WriteTxnMarkers to ${topic}-${partition} failed: ${(err as Error).stack}`);
    return toErrorCode(err);
  }
}
