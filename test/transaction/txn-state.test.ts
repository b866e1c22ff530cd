import { expect } from 'chai';
import { ErrorCode } from '../../lib/protocol/errors';
import {
  decideAddPartitions, decideEndTxn, decideInitProducerId, initNeedsNewProducerId, isExpired, isTimedOut, isValidTransition,
  isValidTxnTimeout, MAX_PRODUCER_EPOCH, newTxnMetadata, prepareComplete, prepareDead, prepareFenceProducerEpoch, TxnMetadata, TxnState,
  TXN_STATES,
} from '../../lib/transaction/txn-state';

const NOW = 1_000_000;
const NO_KIP360 = { txnTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 };

function value<T>(d: { ok: true; value: T } | { ok: false; errorCode: number }): T {
  if (!d.ok) throw new Error(`expected a decision, got error ${d.errorCode}`);
  return d.value;
}

function errorOf(d: { ok: boolean; errorCode?: number }): number | undefined {
  return d.ok ? undefined : d.errorCode;
}

/** An id initialised once: producer 7, epoch 0, Empty. */
function initialised(): TxnMetadata {
  const init = value(decideInitProducerId(newTxnMetadata('tx', 7, 60_000, NOW), NO_KIP360, false, NOW));
  expect(init.kind).to.equal('write');
  return init.metadata;
}

function ongoing(at = NOW): TxnMetadata {
  return value(decideAddPartitions(initialised(), 7, 0, [{ topic: 't', partition: 0 }], false, at)) as TxnMetadata;
}

describe('transaction/txn-state', () => {
  it('allows exactly Kafka\'s transitions', () => {
    const allowed = new Set([
      'Empty>Empty', 'CompleteCommit>Empty', 'CompleteAbort>Empty',
      'Ongoing>Ongoing', 'Empty>Ongoing', 'CompleteCommit>Ongoing', 'CompleteAbort>Ongoing',
      'Ongoing>PrepareCommit', 'Ongoing>PrepareAbort', 'PrepareEpochFence>PrepareAbort',
      'PrepareCommit>CompleteCommit', 'PrepareAbort>CompleteAbort',
      'Empty>Dead', 'CompleteAbort>Dead', 'CompleteCommit>Dead', 'Ongoing>PrepareEpochFence',
    ]);
    for (const from of TXN_STATES) {
      for (const to of TXN_STATES) expect(isValidTransition(from, to), `${from} -> ${to}`).to.equal(allowed.has(`${from}>${to}`));
    }
  });

  it('accepts transaction timeouts in (0, transaction.max.timeout.ms]', () => {
    expect(isValidTxnTimeout(1, 900_000)).to.equal(true);
    expect(isValidTxnTimeout(900_000, 900_000)).to.equal(true);
    expect(isValidTxnTimeout(900_001, 900_000)).to.equal(false);
    expect(isValidTxnTimeout(0, 900_000)).to.equal(false);
  });

  describe('InitProducerId', () => {
    it('starts a new id at epoch 0 in Empty', () => {
      expect(initialised()).to.include({ producerId: 7, producerEpoch: 0, state: 'Empty', txnStartTimestamp: -1, txnTimeoutMs: 60_000 });
    });

    it('bumps the epoch on every re-init after a completed transaction, with the new timeout', () => {
      const prepared = (value(decideEndTxn(ongoing(), 7, 0, true, true, null, NOW)) as { metadata: TxnMetadata }).metadata;
      const done = prepareComplete(prepared, NOW);
      expect(done.state).to.equal('CompleteCommit');
      const again = value(decideInitProducerId(done, { ...NO_KIP360, txnTimeoutMs: 5000 }, false, NOW + 1));
      expect(again.kind).to.equal('write');
      expect(again.metadata).to.include({ producerId: 7, producerEpoch: 1, state: 'Empty', txnTimeoutMs: 5000 });
      expect(again.metadata.partitions).to.deep.equal([]);
    });

    it('fences an open transaction: PrepareEpochFence with the epoch bumped, never a write', () => {
      const fence = value(decideInitProducerId(ongoing(), NO_KIP360, false, NOW));
      expect(fence.kind).to.equal('fence');
      expect(fence.metadata).to.include({ state: 'PrepareEpochFence', producerEpoch: 1, producerId: 7 });
    });

    it('answers CONCURRENT_TRANSACTIONS while a transaction is being completed or a write is pending', () => {
      const prepared = (value(decideEndTxn(ongoing(), 7, 0, true, true, null, NOW)) as { metadata: TxnMetadata }).metadata;
      expect(errorOf(decideInitProducerId(prepared, NO_KIP360, false, NOW))).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS.code);
      expect(errorOf(decideInitProducerId(initialised(), NO_KIP360, true, NOW))).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS.code);
    });

    it('rotates to a new producer id when the epoch is exhausted', () => {
      const worn = { ...initialised(), producerEpoch: MAX_PRODUCER_EPOCH - 1 };
      expect(initNeedsNewProducerId(worn, NO_KIP360)).to.equal(true);
      expect(() => decideInitProducerId(worn, NO_KIP360, false, NOW)).to.throw(/new producer id/);
      const rotated = value(decideInitProducerId(worn, NO_KIP360, false, NOW, 99));
      expect(rotated.metadata).to.include({ producerId: 99, producerEpoch: 0, lastProducerId: 7, state: 'Empty' });
    });

    it('KIP-360: bumps for the current epoch, repeats a lost bump, fences an older epoch or another producer id', () => {
      const m = initialised();
      const bumped = value(decideInitProducerId(m, { txnTimeoutMs: 60_000, producerId: 7, producerEpoch: 0 }, false, NOW)).metadata;
      expect(bumped).to.include({ producerEpoch: 1, lastProducerEpoch: 0 });
      const retried = value(decideInitProducerId(bumped, { txnTimeoutMs: 60_000, producerId: 7, producerEpoch: 0 }, false, NOW)).metadata;
      expect(retried).to.include({ producerEpoch: 1, lastProducerEpoch: 0 });
      const older = { ...bumped, producerEpoch: 5, lastProducerEpoch: 4 };
      expect(errorOf(decideInitProducerId(older, { txnTimeoutMs: 60_000, producerId: 7, producerEpoch: 2 }, false, NOW))).to.equal(ErrorCode.PRODUCER_FENCED.code);
      expect(errorOf(decideInitProducerId(bumped, { txnTimeoutMs: 60_000, producerId: 8, producerEpoch: 0 }, false, NOW))).to.equal(ErrorCode.PRODUCER_FENCED.code);
    });
  });

  describe('AddPartitionsToTxn', () => {
    it('opens a transaction at the first partition and keeps its start time after', () => {
      const first = ongoing(NOW);
      expect(first).to.include({ state: 'Ongoing', txnStartTimestamp: NOW });
      const more = value(decideAddPartitions(first, 7, 0, [{ topic: 't', partition: 1 }, { topic: 't', partition: 1 }], false, NOW + 5)) as TxnMetadata;
      expect(more.txnStartTimestamp).to.equal(NOW);
      expect(more.partitions).to.deep.equal([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    });

    it('needs no write for partitions already in the transaction', () => {
      expect(value(decideAddPartitions(ongoing(), 7, 0, [{ topic: 't', partition: 0 }], false, NOW))).to.equal(null);
    });

    it('refuses another producer id, an old epoch, a pending write and a transaction being completed', () => {
      expect(errorOf(decideAddPartitions(ongoing(), 8, 0, [], false, NOW))).to.equal(ErrorCode.INVALID_PRODUCER_ID_MAPPING.code);
      expect(errorOf(decideAddPartitions(ongoing(), 7, 1, [], false, NOW))).to.equal(ErrorCode.PRODUCER_FENCED.code);
      expect(errorOf(decideAddPartitions(ongoing(), 7, 0, [{ topic: 'x', partition: 0 }], true, NOW))).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS.code);
      const prepared = (value(decideEndTxn(ongoing(), 7, 0, false, true, null, NOW)) as { metadata: TxnMetadata }).metadata;
      expect(errorOf(decideAddPartitions(prepared, 7, 0, [{ topic: 'x', partition: 0 }], false, NOW))).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS.code);
    });
  });

  describe('EndTxn', () => {
    const prepare = (m: TxnMetadata, commit: boolean): TxnMetadata => (value(decideEndTxn(m, 7, m.producerEpoch, commit, true, null, NOW)) as { metadata: TxnMetadata }).metadata;

    it('prepares commit or abort of an open transaction, keeping its partitions until complete', () => {
      const commit = prepare(ongoing(), true);
      expect(commit).to.include({ state: 'PrepareCommit', producerEpoch: 0 });
      expect(commit.partitions).to.have.length(1);
      const complete = prepareComplete(commit, NOW + 1);
      expect(complete).to.include({ state: 'CompleteCommit', txnLastUpdateTimestamp: NOW + 1 });
      expect(complete.partitions).to.deep.equal([]);
      expect(prepareComplete(prepare(ongoing(), false), NOW).state).to.equal('CompleteAbort');
    });

    it('answers a retry the way Kafka does', () => {
      const committed = prepareComplete(prepare(ongoing(), true), NOW);
      expect(value(decideEndTxn(committed, 7, 0, true, true, null, NOW))).to.deep.equal({ kind: 'done' });
      expect(errorOf(decideEndTxn(committed, 7, 0, false, true, null, NOW))).to.equal(ErrorCode.INVALID_TXN_STATE.code);
      const aborted = prepareComplete(prepare(ongoing(), false), NOW);
      expect(value(decideEndTxn(aborted, 7, 0, false, true, null, NOW))).to.deep.equal({ kind: 'done' });
      expect(errorOf(decideEndTxn(aborted, 7, 0, true, true, null, NOW))).to.equal(ErrorCode.INVALID_TXN_STATE.code);
      const preparing = prepare(ongoing(), true);
      expect(errorOf(decideEndTxn(preparing, 7, 0, true, true, null, NOW))).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS.code);
      expect(errorOf(decideEndTxn(preparing, 7, 0, false, true, null, NOW))).to.equal(ErrorCode.INVALID_TXN_STATE.code);
    });

    it('refuses ending a transaction that never began, another producer id, an old or new epoch, and a pending write', () => {
      expect(errorOf(decideEndTxn(initialised(), 7, 0, true, true, null, NOW))).to.equal(ErrorCode.INVALID_TXN_STATE.code);
      expect(errorOf(decideEndTxn(ongoing(), 9, 0, true, true, null, NOW))).to.equal(ErrorCode.INVALID_PRODUCER_ID_MAPPING.code);
      const bumped = { ...ongoing(), producerEpoch: 3 };
      expect(errorOf(decideEndTxn(bumped, 7, 2, true, true, null, NOW))).to.equal(ErrorCode.PRODUCER_FENCED.code);
      expect(errorOf(decideEndTxn(bumped, 7, 4, true, true, null, NOW))).to.equal(ErrorCode.PRODUCER_FENCED.code);
      expect(errorOf(decideEndTxn(ongoing(), 7, 0, true, true, 'Ongoing', NOW))).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS.code);
    });

    it('lets the coordinator abort a fenced transaction with the bumped epoch', () => {
      const open = ongoing();
      const fence = prepareFenceProducerEpoch(open);
      const abort = (value(decideEndTxn(open, 7, fence.producerEpoch, false, false, 'PrepareEpochFence', NOW)) as { metadata: TxnMetadata }).metadata;
      expect(abort).to.include({ state: 'PrepareAbort', producerEpoch: 1, lastProducerEpoch: -1 });
      // The fenced producer's own EndTxn, with its old epoch, is refused once the abort is current.
      expect(errorOf(decideEndTxn(abort, 7, 0, true, true, null, NOW))).to.equal(ErrorCode.PRODUCER_FENCED.code);
    });
  });

  describe('timeouts and expiration', () => {
    it('times out an open transaction only after its timeout', () => {
      const open = ongoing(NOW);
      expect(isTimedOut(open, NOW + 60_000)).to.equal(false);
      expect(isTimedOut(open, NOW + 60_001)).to.equal(true);
      expect(isTimedOut(initialised(), NOW + 10_000_000)).to.equal(false);
    });

    it('expires idle ids that have no transaction in progress, as Dead', () => {
      const idle = initialised();
      expect(isExpired(idle, NOW + 999, 1000)).to.equal(false);
      expect(isExpired(idle, NOW + 1000, 1000)).to.equal(true);
      expect(isExpired(ongoing(NOW), NOW + 10_000, 1000)).to.equal(false);
      expect(prepareDead(idle).state).to.equal('Dead');
      expect(() => prepareDead(ongoing())).to.throw(/invalid transition Ongoing -> Dead/);
    });
  });

  it('names every state as Kafka does', () => {
    const names: TxnState[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];
    expect([...TXN_STATES]).to.deep.equal(names);
  });
});
