/**
 * Partition logs for client tests: records held as encoded batches and served by a FakeBroker the
 * way a broker serves them (Fetch returns whole batches from the one holding the offset;
 * ListOffsets answers earliest 0 and latest = log end).
 */
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { FetchRequestData, FetchResponseData, ListOffsetsRequestData, ListOffsetsResponseData } from '../../lib/protocol/messages/produce-fetch';
import { stampBatch } from '../../lib/record/batch-header';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { FakeBroker } from './fake-broker';

/** A partition log held as encoded batches, served the way a broker serves it (whole batches). */
export class FakeLog {
  private readonly batches: Array<{ base: number; count: number; bytes: Buffer }> = [];

  append(values: string[]): void {
    const base = this.end;
    const bytes = encodeRecordBatch(values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: 5000 + base + i })));
    stampBatch(bytes, 0, base, 0);
    this.batches.push({ base, count: values.length, bytes });
  }

  get end(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? last.base + last.count : 0;
  }

  /** Batches from the one holding `offset`, so the first may start before it. */
  read(offset: number): Buffer {
    return Buffer.concat(this.batches.filter((b) => b.base + b.count > offset).map((b) => b.bytes));
  }
}

export function serveLogs(broker: FakeBroker, logs: Map<string, FakeLog>, errorFor: (topic: string, partition: number, offset: number) => number = () => 0): void {
  broker.on(Api.Fetch, async (req: FetchRequestData): Promise<FetchResponseData> => {
    const hasData = req.topics.some((t) => t.partitions.some((p) => (logs.get(`${t.name}-${p.partition}`)?.end ?? 0) > p.fetchOffset));
    if (!hasData) await new Promise((r) => setTimeout(r, Math.min(req.maxWaitMs, 50)));
    return {
      throttleTimeMs: 0, errorCode: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const log = logs.get(`${t.name}-${p.partition}`) ?? new FakeLog();
          let errorCode = errorFor(t.name, p.partition, p.fetchOffset);
          if (errorCode === 0 && (p.fetchOffset < 0 || p.fetchOffset > log.end)) errorCode = ErrorCode.OFFSET_OUT_OF_RANGE.code;
          return {
            partitionIndex: p.partition, errorCode, highWatermark: log.end, lastStableOffset: log.end, logStartOffset: 0, abortedTransactions: null,
            records: errorCode === 0 ? log.read(p.fetchOffset) : null,
          };
        }),
      })),
    };
  });
  broker.on(Api.ListOffsets, (req: ListOffsetsRequestData): ListOffsetsResponseData => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1, leaderEpoch: 0,
        offset: p.timestamp === -2 ? 0 : (logs.get(`${t.name}-${p.partitionIndex}`)?.end ?? 0),
      })),
    })),
  }));
}

