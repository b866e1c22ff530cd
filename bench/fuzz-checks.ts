/**
 * What `npm run fuzz` asks of the broker before and after the run, on each listener: that it
 * still answers the version tables and Metadata, and that a record produced to the `canary`
 * topic (which no seed names) can be fetched back. Each check throws with the reason.
 */
import * as net from 'net';
import { Connection } from '../lib/client/connection';
import { Api } from '../lib/protocol/api';
import { FrameDecoder } from '../lib/protocol/frame';
import { isFlexible, KafkaApiDef, responseHeaderVersion } from '../lib/protocol/kafka/kafka-api';
import { encodeKafkaRequestFrame } from '../lib/protocol/kafka/kafka-frame';
import { KafkaApiVersions, KafkaMetadata } from '../lib/protocol/kafka/messages/metadata';
import { KafkaFetch, KafkaProduce } from '../lib/protocol/kafka/messages/produce-fetch';
import { Reader } from '../lib/protocol/reader';
import { decodeRecordBatches, encodeRecordBatch } from '../lib/record/record-batch';
import { ServedVersions } from '../test/helpers/fuzz-wire-profiles';

export const FUZZ_TOPIC = 'fuzz';
export const CANARY_TOPIC = 'canary';
const CHECK_TIMEOUT_MS = 10000;

/** ApiVersions, Metadata, then produce one record to the canary and fetch it back, over the native listener. */
export async function checkNativeServes(port: number, marker: string): Promise<string> {
  const conn = new Connection({ host: '127.0.0.1', port, clientId: 'fuzz-check', requestTimeoutMs: CHECK_TIMEOUT_MS });
  try {
    const versions = await conn.send(Api.ApiVersions, {});
    if (versions.errorCode !== 0) throw new Error(`ApiVersions answered error ${versions.errorCode}`);
    const md = await conn.send(Api.Metadata, { topics: [CANARY_TOPIC], allowAutoTopicCreation: false });
    const partition = md.topics[0]?.partitions[0];
    if (md.topics[0]?.errorCode !== 0 || partition?.leaderId !== 1) throw new Error(`Metadata for ${CANARY_TOPIC}: ${JSON.stringify(md.topics)}`);
    const records = encodeRecordBatch([{ key: null, value: Buffer.from(marker) }], {});
    const produced = await conn.send(Api.Produce, {
      transactionalId: null, acks: -1, timeoutMs: CHECK_TIMEOUT_MS, topics: [{ name: CANARY_TOPIC, partitions: [{ index: 0, records }] }],
    });
    const p = produced.topics[0].partitions[0];
    if (p.errorCode !== 0) throw new Error(`Produce to ${CANARY_TOPIC} answered error ${p.errorCode} ${p.errorMessage}`);
    const fetched = await conn.send(Api.Fetch, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
      topics: [{ name: CANARY_TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: p.baseOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    const f = fetched.topics[0].partitions[0];
    if (f.errorCode !== 0 || !f.records) throw new Error(`Fetch from ${CANARY_TOPIC} answered error ${f.errorCode}`);
    expectMarker(f.records, marker, p.baseOffset);
    return `ApiVersions (${versions.apiKeys.length} APIs), Metadata, produce at offset ${p.baseOffset} and fetch back: ok`;
  } finally {
    conn.close();
  }
}

function expectMarker(records: Buffer, marker: string, offset: number): void {
  const value = decodeRecordBatches(records).batches[0]?.records[0]?.value?.toString();
  if (value !== marker) throw new Error(`Fetch at offset ${offset} returned ${JSON.stringify(value)}, expected ${JSON.stringify(marker)}`);
}

/** Topics and partitions the broker hosts: well-formed creation requests among the fuzzed ones are obeyed. */
export async function hostedTopics(port: number): Promise<string> {
  const conn = new Connection({ host: '127.0.0.1', port, clientId: 'fuzz-check', requestTimeoutMs: CHECK_TIMEOUT_MS });
  try {
    const md = await conn.send(Api.Metadata, { topics: null, allowAutoTopicCreation: false });
    const partitions = md.topics.reduce((n, t) => n + t.partitions.length, 0);
    const names = md.topics.map((t) => t.name).sort();
    return `${md.topics.length} topics, ${partitions} partitions (${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''})`;
  } catch (err) {
    return `unknown (${(err as Error).message})`;
  } finally {
    conn.close();
  }
}

/** One Kafka request at a time on one socket, as a plain Kafka client would send it. */
class KafkaProbe {
  private readonly socket: net.Socket;
  private readonly decoder = new FrameDecoder(64 << 20);
  private correlationId = 0;

  constructor(port: number) {
    this.socket = net.connect({ port, host: '127.0.0.1' });
    this.socket.on('error', () => undefined);
  }

  send<Req, Resp>(api: KafkaApiDef<Req, Resp>, version: number, body: Req): Promise<Resp> {
    const correlationId = ++this.correlationId;
    return new Promise<Resp>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${api.name} v${version}: no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      const onClose = (): void => finish(new Error(`${api.name} v${version}: the broker closed the connection`));
      const onData = (chunk: Buffer): void => {
        for (const frame of this.decoder.push(chunk)) {
          try {
            const r = new Reader(frame);
            const id = r.readInt32();
            if (id !== correlationId) throw new Error(`${api.name} v${version}: answer with correlation id ${id}, expected ${correlationId}`);
            if (responseHeaderVersion(api, version) === 1 && r.readUnsignedVarint() !== 0) throw new Error('unexpected tagged fields in the response header');
            const value = api.response.read(r, version, isFlexible(api, version));
            if (r.remaining !== 0) throw new Error(`${api.name} v${version}: ${r.remaining} trailing bytes in the answer`);
            finish(null, value);
          } catch (err) {
            finish(err as Error);
          }
        }
      };
      const finish = (err: Error | null, value?: Resp): void => {
        clearTimeout(timer);
        this.socket.off('data', onData);
        this.socket.off('close', onClose);
        if (err) reject(err);
        else resolve(value!);
      };
      this.socket.on('data', onData);
      this.socket.once('close', onClose);
      for (const chunk of encodeKafkaRequestFrame(api, { apiKey: api.key, apiVersion: version, correlationId, clientId: 'fuzz-check' }, body)) {
        this.socket.write(chunk);
      }
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The Kafka listener's version table (ApiVersions v3), for judging fuzzed answers. */
export async function kafkaServedVersions(port: number): Promise<ServedVersions> {
  const probe = new KafkaProbe(port);
  try {
    const versions = await probe.send(KafkaApiVersions, 3, { clientSoftwareName: 'samsa-fuzz', clientSoftwareVersion: '1.0' });
    if (versions.errorCode !== 0) throw new Error(`Kafka ApiVersions v3 answered error ${versions.errorCode}`);
    return new Map(versions.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  } finally {
    probe.close();
  }
}

/** ApiVersions v3, Metadata v9, then Produce v9 one record to the canary and Fetch v12 it back, over the Kafka listener. */
export async function checkKafkaServes(port: number, marker: string): Promise<string> {
  const probe = new KafkaProbe(port);
  try {
    const versions = await probe.send(KafkaApiVersions, 3, { clientSoftwareName: 'samsa-fuzz', clientSoftwareVersion: '1.0' });
    if (versions.errorCode !== 0) throw new Error(`ApiVersions v3 answered error ${versions.errorCode}`);
    const md = await probe.send(KafkaMetadata, 9, {
      topics: [{ name: CANARY_TOPIC }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    });
    const topic = md.topics[0];
    if (topic?.errorCode !== 0 || topic.partitions[0]?.leaderId !== 1) throw new Error(`Metadata v9 for ${CANARY_TOPIC}: ${JSON.stringify(md.topics)}`);
    const records = encodeRecordBatch([{ key: null, value: Buffer.from(marker) }], {});
    const produced = await probe.send(KafkaProduce, 9, {
      transactionalId: null, acks: -1, timeoutMs: CHECK_TIMEOUT_MS, topics: [{ name: CANARY_TOPIC, partitions: [{ index: 0, records }] }],
    });
    const p = produced.topics[0]?.partitions[0];
    if (p?.errorCode !== 0) throw new Error(`Produce v9 to ${CANARY_TOPIC} answered ${JSON.stringify(p)}`);
    const fetched = await probe.send(KafkaFetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ name: CANARY_TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: p.baseOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const f = fetched.topics[0]?.partitions[0];
    if (fetched.errorCode !== 0 || f?.errorCode !== 0 || !f.records) throw new Error(`Fetch v12 from ${CANARY_TOPIC} answered ${fetched.errorCode}/${f?.errorCode}`);
    expectMarker(f.records, marker, p.baseOffset);
    return `ApiVersions v3 (${versions.apiKeys.length} APIs), Metadata v9, Produce v9 at offset ${p.baseOffset} and Fetch v12 back: ok`;
  } finally {
    probe.close();
  }
}
