/**
 * The transaction coordinator's state machine for one transactional id (Kafka's
 * TransactionMetadata and the decisions of its TransactionCoordinator), as pure functions.
 *
 *                      AddPartitions/AddOffsets
 *            ┌──────────────────────────────────────────┐
 *            │                                          ▼
 *   (new) ─► Empty ◄── InitProducerId ──┐           Ongoing ──AddPartitions──┐
 *            ▲  │                        │            │  │  ▲               │
 *            │  └── expired ─► Dead      │   EndTxn    │  │  └───────────────┘
 *            │                  ▲        │   commit ◄──┘  └──► abort (EndTxn, timeout,
 *            │                  │        │      │                │  or InitProducerId
 *            │                  │        │      ▼                ▼  through PrepareEpochFence)
 *            │                  │        │  PrepareCommit    PrepareAbort
 *            │                  │        │      │ markers        │ markers
 *            │                  │        │      ▼   written      ▼   written
 *            └──────────────────┴────────┴─ CompleteCommit   CompleteAbort ──► Ongoing (next txn)
 *
 * Every change is two-step, as in Kafka: a decision yields the next metadata (a "transit"), the
 * coordinator writes it to `__transaction_state` with acks=all while the id is marked pending
 * (other requests get CONCURRENT_TRANSACTIONS), and only a successful write makes it current.
 * PrepareEpochFence is the one state never written: it is the pending mark of an abort started to
 * fence a producer (InitProducerId during an open transaction, or the transaction's timeout); the
 * abort is then written as PrepareAbort with the bumped epoch.
 *
 * Nothing here reads a clock or does I/O: time comes in as `nowMs`, results go out as values.
 */
import { ErrorCode } from '../protocol/errors';

export const TXN_STATES = [
  'Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence',
] as const;
export type TxnState = typeof TXN_STATES[number];

/** Kafka's TransactionState ids, stored as the `transactionStatus` byte of `__transaction_state` values. */
export const TXN_STATE_IDS: Readonly<Record<TxnState, number>> = {
  Empty: 0, Ongoing: 1, PrepareCommit: 2, PrepareAbort: 3, CompleteCommit: 4, CompleteAbort: 5, Dead: 6, PrepareEpochFence: 7,
};

export function txnStateById(id: number): TxnState | undefined {
  return TXN_STATES.find((s) => TXN_STATE_IDS[s] === id);
}

/** Kafka's TransactionMetadata.validPreviousStates. */
const VALID_PREVIOUS: Readonly<Record<TxnState, readonly TxnState[]>> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareEpochFence: ['Ongoing'],
};

export function isValidTransition(from: TxnState, to: TxnState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
/** Short.MaxValue: epochs are int16. */
export const MAX_PRODUCER_EPOCH = 32767;

/** One transactional id's state, as Kafka's TransactionMetadata (without the lock and pending mark). */
export interface TxnMetadata {
  readonly transactionalId: string;
  readonly producerId: number;
  /** The producer id before the last rotation (KIP-360 retries); not stored in the log, -1 after a load. */
  readonly lastProducerId: number;
  readonly producerEpoch: number;
  readonly lastProducerEpoch: number;
  readonly txnTimeoutMs: number;
  readonly state: TxnState;
  /** "topic-partition" keys; see partitionsOf. */
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }>;
  /** When the open transaction began; -1 when there is none. */
  readonly txnStartTimestamp: number;
  readonly txnLastUpdateTimestamp: number;
}

export type Decision<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errorCode: number };

const ok = <T>(value: T): Decision<T> => ({ ok: true, value });
const fail = (errorCode: number): Decision<never> => ({ ok: false, errorCode });

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_PRODUCER_EPOCH - 1;
}

/** The metadata of an id seen for the first time; InitProducerId then bumps it to epoch 0. */
export function newTxnMetadata(transactionalId: string, producerId: number, txnTimeoutMs: number, nowMs: number): TxnMetadata {
  return {
    transactionalId, producerId, lastProducerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH, lastProducerEpoch: NO_PRODUCER_EPOCH,
    txnTimeoutMs, state: 'Empty', partitions: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: nowMs,
  };
}

/** Kafka's prepareTransitionTo: the next metadata, refusing what validPreviousStates forbids. */
function transit(m: TxnMetadata, next: Partial<TxnMetadata> & { state: TxnState }): TxnMetadata {
  if (!isValidTransition(m.state, next.state)) throw new Error(`transactional id ${m.transactionalId}: invalid transition ${m.state} -> ${next.state}`);
  return { ...m, lastProducerId: m.producerId, ...next };
}

export interface InitRequest {
  readonly txnTimeoutMs: number;
  /** The producer's current id and epoch (InitProducerId v3+, KIP-360); -1/-1 for none. */
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** What InitProducerId does next: write `metadata`, or abort the open transaction first (`fence`). */
export type InitOutcome = { readonly kind: 'write'; readonly metadata: TxnMetadata } | { readonly kind: 'fence'; readonly metadata: TxnMetadata };

/** Kafka's isValidTransactionTimeout. */
export function isValidTxnTimeout(timeoutMs: number, maxTimeoutMs: number): boolean {
  return timeoutMs > 0 && timeoutMs <= maxTimeoutMs;
}

/**
 * Whether InitProducerId on `m` will rotate to a new producer id (the epoch is exhausted), so the
 * caller can obtain one before deciding.
 */
export function initNeedsNewProducerId(m: TxnMetadata, req: InitRequest): boolean {
  return (m.state === 'Empty' || m.state === 'CompleteCommit' || m.state === 'CompleteAbort')
    && isEpochExhausted(m.producerEpoch) && (req.producerEpoch === NO_PRODUCER_EPOCH || req.producerEpoch === m.producerEpoch);
}

/**
 * Kafka's prepareInitProducerIdTransit. `pending`: a write for this id is in flight.
 * `newProducerId` is required when initNeedsNewProducerId said so.
 */
export function decideInitProducerId(m: TxnMetadata, req: InitRequest, pending: boolean, nowMs: number, newProducerId?: number): Decision<InitOutcome> {
  if (req.producerId !== NO_PRODUCER_ID && !isValidExpectedProducerId(m, req)) return fail(ErrorCode.PRODUCER_FENCED.code);
  if (pending) return fail(ErrorCode.CONCURRENT_TRANSACTIONS.code);
  switch (m.state) {
    case 'PrepareAbort':
    case 'PrepareCommit':
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS.code);
    case 'Empty':
    case 'CompleteAbort':
    case 'CompleteCommit': {
      const expected = req.producerId === NO_PRODUCER_ID ? undefined : req.producerEpoch;
      if (initNeedsNewProducerId(m, req)) {
        if (newProducerId === undefined) throw new Error('a new producer id is needed: the epoch is exhausted');
        return ok({ kind: 'write', metadata: transit(m, {
          state: 'Empty', producerId: newProducerId, producerEpoch: 0,
          lastProducerEpoch: expected !== undefined ? m.producerEpoch : NO_PRODUCER_EPOCH,
          txnTimeoutMs: req.txnTimeoutMs, partitions: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: nowMs,
        }) });
      }
      const bumped = bumpEpoch(m, expected);
      if (!bumped.ok) return bumped;
      return ok({ kind: 'write', metadata: transit(m, {
        state: 'Empty', producerEpoch: bumped.value.epoch, lastProducerEpoch: bumped.value.lastEpoch,
        txnTimeoutMs: req.txnTimeoutMs, partitions: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: nowMs,
      }) });
    }
    case 'Ongoing':
      // The bumped epoch is never returned: the abort runs with it and the client, told
      // CONCURRENT_TRANSACTIONS, retries and gets the epoch bumped once more (Kafka's fencing).
      return ok({ kind: 'fence', metadata: prepareFenceProducerEpoch(m) });
    case 'Dead':
    case 'PrepareEpochFence':
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS.code);
  }
}

/** Kafka's isValidProducerId for a KIP-360 request that names the producer's current id. */
function isValidExpectedProducerId(m: TxnMetadata, req: InitRequest): boolean {
  return m.producerEpoch === NO_PRODUCER_EPOCH || req.producerId === m.producerId
    || (req.producerId === m.lastProducerId && isEpochExhausted(req.producerEpoch));
}

/** Kafka's prepareIncrementProducerEpoch arithmetic: the new epoch and the last one to remember. */
function bumpEpoch(m: TxnMetadata, expectedEpoch: number | undefined): Decision<{ epoch: number; lastEpoch: number }> {
  const bumped = m.producerEpoch + 1;
  if (expectedEpoch === undefined) return ok({ epoch: bumped, lastEpoch: NO_PRODUCER_EPOCH });
  if (m.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === m.producerEpoch) return ok({ epoch: bumped, lastEpoch: m.producerEpoch });
  // A retry of a bump whose answer the producer never got.
  if (expectedEpoch === m.lastProducerEpoch) return ok({ epoch: m.producerEpoch, lastEpoch: m.lastProducerEpoch });
  return fail(ErrorCode.PRODUCER_FENCED.code);
}

/**
 * Kafka's prepareFenceProducerEpoch: the pending PrepareEpochFence with the epoch bumped, so the
 * abort markers fence the current producer. `failedFence`: an earlier fence of this transaction
 * failed to write, and its epoch was already bumped.
 */
export function prepareFenceProducerEpoch(m: TxnMetadata, failedFence = false): TxnMetadata {
  if (m.producerEpoch >= MAX_PRODUCER_EPOCH) throw new Error(`transactional id ${m.transactionalId}: cannot fence producer ${m.producerId} at epoch ${m.producerEpoch}`);
  return transit(m, { state: 'PrepareEpochFence', producerEpoch: failedFence ? m.producerEpoch : m.producerEpoch + 1, lastProducerEpoch: NO_PRODUCER_EPOCH });
}

export interface TxnPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Kafka's handleAddPartitionsToTransaction checks and prepareAddPartitions. null: nothing to write (already added). */
export function decideAddPartitions(
  m: TxnMetadata, producerId: number, producerEpoch: number, added: readonly TxnPartition[], pending: boolean, nowMs: number,
): Decision<TxnMetadata | null> {
  if (m.producerId !== producerId) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING.code);
  if (m.producerEpoch !== producerEpoch) return fail(ErrorCode.PRODUCER_FENCED.code);
  if (pending || m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return fail(ErrorCode.CONCURRENT_TRANSACTIONS.code);
  if (!isValidTransition(m.state, 'Ongoing')) return fail(ErrorCode.INVALID_TXN_STATE.code);
  const keys = new Set(m.partitions.map(partitionKey));
  const fresh = added.filter((p) => !keys.has(partitionKey(p)));
  if (m.state === 'Ongoing' && fresh.length === 0) return ok(null);
  const unique = [...new Map(fresh.map((p) => [partitionKey(p), p])).values()];
  const starting = m.state !== 'Ongoing';
  return ok(transit(m, {
    state: 'Ongoing', partitions: [...m.partitions, ...unique],
    txnStartTimestamp: starting ? nowMs : m.txnStartTimestamp, txnLastUpdateTimestamp: nowMs,
  }));
}

export function partitionKey(p: TxnPartition): string {
  return `${p.topic}-${p.partition}`;
}

/**
 * What EndTxn (or the coordinator's own abort) does: write the Prepare* metadata, or answer at
 * once (`done`: the same end was already reached, a retry).
 */
export type EndOutcome = { readonly kind: 'prepare'; readonly metadata: TxnMetadata } | { readonly kind: 'done' };

/**
 * Kafka's endTransaction checks. `fromClient` false: the coordinator aborting for a fence or a
 * timeout, with the epoch the fence bumped. `pendingState`: the state a write in flight is
 * making, if any (PrepareEpochFence is the fence's own mark and lets its abort through).
 */
export function decideEndTxn(
  m: TxnMetadata, producerId: number, producerEpoch: number, commit: boolean, fromClient: boolean,
  pendingState: TxnState | null, nowMs: number,
): Decision<EndOutcome> {
  if (m.producerId !== producerId) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING.code);
  // Clients must match the epoch exactly; the coordinator's own abort carries the bumped one.
  if ((fromClient && producerEpoch !== m.producerEpoch) || producerEpoch < m.producerEpoch) return fail(ErrorCode.PRODUCER_FENCED.code);
  if (pendingState !== null && pendingState !== 'PrepareEpochFence') return fail(ErrorCode.CONCURRENT_TRANSACTIONS.code);
  switch (m.state) {
    case 'Ongoing': {
      const fencing = !commit && pendingState === 'PrepareEpochFence';
      return ok({ kind: 'prepare', metadata: transit(m, {
        state: commit ? 'PrepareCommit' : 'PrepareAbort',
        ...(fencing ? { producerEpoch, lastProducerEpoch: NO_PRODUCER_EPOCH } : {}),
        txnLastUpdateTimestamp: nowMs,
      }) });
    }
    case 'CompleteCommit':
      return commit ? ok({ kind: 'done' }) : fail(ErrorCode.INVALID_TXN_STATE.code);
    case 'CompleteAbort':
      return commit ? fail(ErrorCode.INVALID_TXN_STATE.code) : ok({ kind: 'done' });
    case 'PrepareCommit':
      return fail(commit ? ErrorCode.CONCURRENT_TRANSACTIONS.code : ErrorCode.INVALID_TXN_STATE.code);
    case 'PrepareAbort':
      return fail(commit ? ErrorCode.INVALID_TXN_STATE.code : ErrorCode.CONCURRENT_TRANSACTIONS.code);
    case 'Empty':
      return fail(ErrorCode.INVALID_TXN_STATE.code);
    case 'Dead':
    case 'PrepareEpochFence':
      return fail(ErrorCode.UNKNOWN_SERVER_ERROR.code);
  }
}

/** Kafka's prepareComplete: once every marker is written, the transaction's partitions are forgotten. */
export function prepareComplete(m: TxnMetadata, nowMs: number): TxnMetadata {
  const state: TxnState = m.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort';
  return transit(m, { state, partitions: [], txnLastUpdateTimestamp: nowMs });
}

/** Kafka's timedOutTransactions test: an open transaction older than its timeout. */
export function isTimedOut(m: TxnMetadata, nowMs: number): boolean {
  return m.state === 'Ongoing' && m.txnStartTimestamp + m.txnTimeoutMs < nowMs;
}

/** Kafka's removeExpiredTransactionalIds test: no transaction in progress and idle for `expirationMs`. */
export function isExpired(m: TxnMetadata, nowMs: number, expirationMs: number): boolean {
  return (m.state === 'Empty' || m.state === 'CompleteCommit' || m.state === 'CompleteAbort') && m.txnLastUpdateTimestamp <= nowMs - expirationMs;
}

/** Kafka's prepareDead: the id is forgotten (a tombstone in the log). */
export function prepareDead(m: TxnMetadata): TxnMetadata {
  return transit(m, { state: 'Dead', partitions: [] });
}
