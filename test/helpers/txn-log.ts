/**
 * Raw transactional traffic for partition-log tests: transactional batches produced as bytes and
 * WriteTxnMarkers sent as the transaction coordinator would, over the native protocol, plus a
 * one-request exchange on the Kafka listener. No transactional client is needed.
 */
import * as net from 'net';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { FrameDecoder } from '../../lib/protocol/frame';
import { AnyKafkaApiDef, KafkaApiDef, isFlexible, responseHeaderVersion } from '../../lib/protocol/kafka/kafka-api';
import { encodeKafkaRequestFrame } from '../../lib/protocol/kafka/kafka-frame';
import { Reader } from '../../lib/protocol/reader';
import { encodeRecordBatch } from '../../lib/record/record-batch';

export interface TxnBatchSpec {
  producerId: number;
  producerEpoch?: number;
  baseSequence: number;
  values: string[];
  /** Default true. */
  transactional?: boolean;
}

export function txnBatch(spec: TxnBatchSpec): Buffer {
  return encodeRecordBatch(spec.values.map((v) => ({ key: null, value: Buffer.from(v) })), {
    producerId: spec.producerId, producerEpoch: spec.producerEpoch ?? 0, baseSequence: spec.baseSequence, transactional: spec.transactional ?? true,
  });
}

/** Produces one batch with acks=all; returns the partition's answer. */
export async function produceBatch(conn: Connection, topic: string, partition: number, records: Buffer) {
  const answer = await conn.send(Api.Produce, { transactionalId: null, acks: -1, timeoutMs: 10000, topics: [{ name: topic, partitions: [{ index: partition, records }] }] });
  return answer.topics[0].partitions[0];
}

export interface MarkerSpec {
  producerId: number;
  producerEpoch?: number;
  committed: boolean;
  coordinatorEpoch?: number;
  partitions: Array<{ topic: string; partition: number }>;
}

/** Sends one WriteTxnMarkers with one marker; returns the error code of each partition, in order. */
export async function writeMarker(conn: Connection, spec: MarkerSpec): Promise<number[]> {
  const topics = [...new Set(spec.partitions.map((p) => p.topic))].map((name) => ({
    name, partitionIndexes: spec.partitions.filter((p) => p.topic === name).map((p) => p.partition),
  }));
  const answer = await conn.send(Api.WriteTxnMarkers, {
    markers: [{ producerId: spec.producerId, producerEpoch: spec.producerEpoch ?? 0, transactionResult: spec.committed, topics, coordinatorEpoch: spec.coordinatorEpoch ?? 0 }],
  });
  return answer.markers[0].topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

/** A consumer Fetch of one partition at `isolationLevel` (0 read_uncommitted, 1 read_committed). */
export async function fetchPartition(conn: Connection, topic: string, partition: number, fetchOffset: number, isolationLevel: 0 | 1, wait = { maxWaitMs: 0, minBytes: 0 }) {
  const answer = await conn.send(Api.Fetch, {
    replicaId: -1, maxWaitMs: wait.maxWaitMs, minBytes: wait.minBytes, maxBytes: 1 << 20, isolationLevel,
    topics: [{ name: topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
  }, { timeoutMs: 30000 });
  return answer.topics[0].partitions[0];
}

export async function latestOffset(conn: Connection, topic: string, partition: number, isolationLevel: 0 | 1): Promise<number> {
  const answer = await conn.send(Api.ListOffsets, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1 }] }] });
  const p = answer.topics[0].partitions[0];
  if (p.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${partition} failed with error ${p.errorCode}`);
  return p.offset;
}

/** One request on the Kafka listener at `version`; resolves with the decoded response body. */
export function kafkaExchange<Req, Resp>(port: number, api: KafkaApiDef<Req, Resp>, version: number, body: Req): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder(16 << 20);
    const sock = net.connect({ port, host: '127.0.0.1' }, () => {
      for (const chunk of encodeKafkaRequestFrame(api as AnyKafkaApiDef, { apiKey: api.key, apiVersion: version, correlationId: 7, clientId: 'txn-log-test' }, body)) sock.write(chunk);
    });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no ${api.name} v${version} answer`)); }, 15000);
    sock.on('data', (d) => {
      const frames = decoder.push(d);
      if (frames.length === 0) return;
      clearTimeout(timer);
      sock.destroy();
      const r = new Reader(frames[0]);
      r.readInt32();
      if (responseHeaderVersion(api as AnyKafkaApiDef, version) === 1) r.readUnsignedVarint();
      resolve(api.response.read(r, version, isFlexible(api as AnyKafkaApiDef, version)) as Resp);
    });
    sock.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
}
