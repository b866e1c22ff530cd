/**
 * A transaction coordinator in miniature, for transactional producer tests against the fake
 * broker: FindCoordinator for both key types, InitProducerId with Kafka's epoch bump (a new
 * instance fences the old one), AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn,
 * each recording what it was asked. Produce goes through a SequencedLog and fails with
 * INVALID_PRODUCER_EPOCH for a fenced epoch; the coordinator notes any transactional batch sent to
 * a partition not yet added to the transaction. `failNext` scripts error codes per API.
 */
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { ProduceRequestData } from '../../lib/protocol/messages/produce-fetch';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { FakeBroker } from './fake-broker';
import { SequencedLog } from './producer-sequenced-log';

export interface EndedTransaction {
  transactionalId: string;
  producerEpoch: number;
  committed: boolean;
  partitions: string[];
  groups: string[];
}

interface Txn {
  producerId: number;
  epoch: number;
  partitions: Set<string>;
  groups: Set<string>;
}

export class FakeTxnCoordinator {
  readonly log = new SequencedLog();
  readonly ended: EndedTransaction[] = [];
  readonly offsetCommits: Array<{ groupId: string; generationId: number; memberId: string; offsets: string[] }> = [];
  /** Transactional batches that arrived for a partition the transaction did not hold. */
  readonly unaddedWrites: string[] = [];
  /** Batches seen, with their transactional bit and the request's transactionalId. */
  readonly produced: Array<{ tp: string; transactional: boolean; transactionalId: string | null; epoch: number }> = [];
  private readonly txns = new Map<string, Txn>();
  private readonly scripted = new Map<string, number[]>();
  private nextProducerId = 7000;

  constructor(readonly broker: FakeBroker) {
    broker.on(Api.FindCoordinator, () => ({ throttleTimeMs: 0, errorCode: this.take('FindCoordinator'), errorMessage: null, nodeId: broker.nodeId, host: broker.host, port: broker.port }));
    broker.on(Api.InitProducerId, (req) => {
      const code = this.take('InitProducerId');
      if (code !== 0) return { throttleTimeMs: 0, errorCode: code, producerId: -1, producerEpoch: -1 };
      const id = req.transactionalId as string;
      const txn = this.txns.get(id);
      const next = txn ? { ...txn, epoch: txn.epoch + 1 } : { producerId: this.nextProducerId++, epoch: 0, partitions: new Set<string>(), groups: new Set<string>() };
      if (txn && txn.partitions.size + txn.groups.size > 0) this.end(id, next.epoch, false, txn);
      this.txns.set(id, { ...next, partitions: new Set(), groups: new Set() });
      return { throttleTimeMs: 0, errorCode: 0, producerId: next.producerId, producerEpoch: next.epoch };
    });
    broker.on(Api.AddPartitionsToTxn, (req) => {
      const code = this.take('AddPartitionsToTxn') || this.fenced(req.transactionalId, req.producerEpoch);
      const txn = this.txns.get(req.transactionalId);
      if (code === 0) for (const t of req.topics) for (const p of t.partitions) txn?.partitions.add(`${t.name}-${p}`);
      return { throttleTimeMs: 0, results: req.topics.map((t) => ({ name: t.name, results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code })) })) };
    });
    broker.on(Api.AddOffsetsToTxn, (req) => {
      const code = this.take('AddOffsetsToTxn') || this.fenced(req.transactionalId, req.producerEpoch);
      if (code === 0) this.txns.get(req.transactionalId)?.groups.add(req.groupId);
      return { throttleTimeMs: 0, errorCode: code };
    });
    broker.on(Api.TxnOffsetCommit, (req) => {
      const code = this.take('TxnOffsetCommit');
      if (code === 0) {
        this.offsetCommits.push({ groupId: req.groupId, generationId: req.generationId, memberId: req.memberId,
          offsets: req.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}@${p.committedOffset}`)) });
      }
      return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })) };
    });
    broker.on(Api.EndTxn, (req) => {
      const code = this.take('EndTxn') || this.fenced(req.transactionalId, req.producerEpoch);
      const txn = this.txns.get(req.transactionalId);
      if (code === 0 && txn) this.end(req.transactionalId, req.producerEpoch, req.committed, txn);
      return { throttleTimeMs: 0, errorCode: code };
    });
    broker.on(Api.Produce, (req) => this.produce(req));
  }

  /** The next `codes.length` answers of `api` carry these codes (0 = answer normally). */
  failNext(api: string, ...codes: number[]): void {
    this.scripted.set(api, [...(this.scripted.get(api) ?? []), ...codes]);
  }

  requests(api: string): number {
    return this.broker.requests.filter((r) => r.apiName === api).length;
  }

  private take(api: string): number {
    return this.scripted.get(api)?.shift() ?? 0;
  }

  private fenced(transactionalId: string, epoch: number): number {
    const txn = this.txns.get(transactionalId);
    if (!txn) return ErrorCode.INVALID_PRODUCER_ID_MAPPING.code;
    return epoch < txn.epoch ? ErrorCode.PRODUCER_FENCED.code : 0;
  }

  private end(transactionalId: string, epoch: number, committed: boolean, txn: Txn): void {
    this.ended.push({ transactionalId, producerEpoch: epoch, committed, partitions: [...txn.partitions].sort(), groups: [...txn.groups] });
    txn.partitions.clear();
    txn.groups.clear();
  }

  private produce(req: ProduceRequestData) {
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const [batch] = decodeRecordBatches(p.records as Buffer).batches;
        const tp = `${t.name}-${p.index}`;
        this.produced.push({ tp, transactional: batch.isTransactional, transactionalId: req.transactionalId, epoch: batch.producerEpoch });
        const txn = req.transactionalId === null ? undefined : this.txns.get(req.transactionalId);
        if (batch.isTransactional && (!txn || !txn.partitions.has(tp))) this.unaddedWrites.push(tp);
      }
    }
    return this.log.answer(req, (tp) => {
      const id = req.transactionalId;
      const txn = id === null ? undefined : this.txns.get(id);
      const epoch = this.produced.filter((b) => b.tp === tp).pop()?.epoch ?? 0;
      return txn && epoch < txn.epoch ? ErrorCode.INVALID_PRODUCER_EPOCH.code : (this.take(`Produce ${tp}`) || 0);
    });
  }
}
