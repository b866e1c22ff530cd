/**
 * The broker's side of idempotence, in miniature, for producer tests against the fake broker:
 * per partition a log of record values, and per (partition, producer id) the last sequence and
 * the last 5 batches, with Kafka's rules - a new producer id starts at sequence 0, a resend of one
 * of the last 5 batches is answered with its original offset, any other sequence that does not
 * follow the last one is OUT_OF_ORDER_SEQUENCE_NUMBER (45), an older epoch INVALID_PRODUCER_EPOCH (47),
 * and a newer epoch starts again at sequence 0.
 * Samsa's and current Kafka's brokers accept a producer they know nothing about at any sequence
 * (its state may have gone with retention); `acceptUnknownAtAnySequence` switches to that rule.
 */
import { ProduceRequestData, ProduceResponseData } from '../../lib/protocol/messages/produce-fetch';
import { decodeRecordBatches, DecodedBatch } from '../../lib/record/record-batch';

interface ProducerEntry {
  epoch: number;
  lastSequence: number;
  batches: Array<{ firstSequence: number; lastSequence: number; baseOffset: number }>;
}

export interface AppendOutcome {
  errorCode: number;
  baseOffset: number;
}

export class SequencedLog {
  /** Record values per `topic-partition`, in log order. */
  readonly logs = new Map<string, string[]>();
  /** Every batch header seen, in arrival order (for asserting what the producer stamped). */
  readonly seen: Array<{ tp: string; producerId: number; producerEpoch: number; baseSequence: number; recordCount: number; values: string[] }> = [];
  readonly outcomes: Array<{ tp: string; baseSequence: number; errorCode: number }> = [];
  private readonly producers = new Map<string, ProducerEntry>();

  constructor(private readonly acceptUnknownAtAnySequence = false) {}

  values(tp: string): string[] {
    return this.logs.get(tp) ?? [];
  }

  append(tp: string, batch: DecodedBatch): AppendOutcome {
    const values = batch.records.map((r) => r.value?.toString() ?? '');
    this.seen.push({ tp, producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence, recordCount: batch.recordCount, values });
    const outcome = this.check(tp, batch, values);
    this.outcomes.push({ tp, baseSequence: batch.baseSequence, errorCode: outcome.errorCode });
    return outcome;
  }

  /** Answers a Produce request, or fails chosen partitions with `errorFor`'s code (nothing appended). */
  answer(req: ProduceRequestData, errorFor?: (tp: string) => number): ProduceResponseData {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const tp = `${t.name}-${p.index}`;
          const forced = errorFor?.(tp) ?? 0;
          let outcome: AppendOutcome = { errorCode: forced, baseOffset: -1 };
          if (forced === 0) {
            const [batch] = decodeRecordBatches(p.records!).batches;
            outcome = this.append(tp, batch);
          }
          return { index: p.index, errorCode: outcome.errorCode, baseOffset: outcome.baseOffset, logAppendTimeMs: -1, logStartOffset: 0, errorMessage: null };
        }),
      })),
    };
  }

  private check(tp: string, batch: DecodedBatch, values: string[]): AppendOutcome {
    const log = this.logs.get(tp) ?? [];
    this.logs.set(tp, log);
    if (batch.producerId < 0) return this.write(log, values);
    const key = `${tp}/${batch.producerId}`;
    const known = this.producers.get(key);
    const lastSequence = batch.baseSequence + batch.recordCount - 1;
    if (known && batch.producerEpoch < known.epoch) return { errorCode: 47, baseOffset: -1 };
    // A bumped epoch (a transactional producer after an abort) starts its sequences over.
    const entry = known && batch.producerEpoch === known.epoch ? known : undefined;
    const duplicate = entry?.batches.find((b) => b.firstSequence === batch.baseSequence && b.lastSequence === lastSequence);
    if (duplicate) return { errorCode: 0, baseOffset: duplicate.baseOffset };
    const expected = entry ? entry.lastSequence + 1 : 0;
    const anySequence = !entry && this.acceptUnknownAtAnySequence;
    if (batch.baseSequence !== expected && !anySequence) return { errorCode: 45, baseOffset: -1 };
    const outcome = this.write(log, values);
    const next = entry ?? { epoch: batch.producerEpoch, lastSequence: -1, batches: [] };
    next.lastSequence = lastSequence;
    next.batches.push({ firstSequence: batch.baseSequence, lastSequence, baseOffset: outcome.baseOffset });
    if (next.batches.length > 5) next.batches.shift();
    this.producers.set(key, next);
    return outcome;
  }

  private write(log: string[], values: string[]): AppendOutcome {
    const baseOffset = log.length;
    log.push(...values);
    return { errorCode: 0, baseOffset };
  }
}
