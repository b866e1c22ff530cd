// Fakes for driving the group coordinator without a broker: a clock whose timers fire only when
// the test advances it, an in-memory `__consumer_offsets` log with controllable appends, and a
// metadata cache the test edits directly.
import { EventEmitter } from 'events';
import { expect } from 'chai';
import { ErrorCode } from '../../lib/protocol/errors';
import { stampBatch, batchSizeAt } from '../../lib/record/batch-header';
import { decodeRecordBatches } from '../../lib/record/record-batch';
import { GroupClock, TimerHandle } from '../../lib/group/group-clock';
import { GroupCoordinator } from '../../lib/group/group-coordinator';
import { GroupCoordinatorConfig } from '../../lib/group/coordinator-runtime';
import { AppendOutcome, LeadershipChange, OFFSETS_TOPIC, OffsetsReplicas, ReadableLog } from '../../lib/group/offsets-log';
import { decodeOffsetsRecord, OffsetsRecord } from '../../lib/group/offsets-records';
import { encodeSubscription } from '../../lib/group/consumer-protocol';
import { getLogger } from '../../lib/util/logger';

export class FakeClock implements GroupClock {
  private now = 1_000_000;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  nowMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now + Math.max(0, delayMs), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** Moves time forward, firing due timers in deadline order (timers they set fire too if due). */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      if (due.length === 0) break;
      const [id, timer] = due[0];
      this.timers.delete(id);
      this.now = Math.max(this.now, timer.at);
      timer.fn();
      await settle();
    }
    this.now = target;
    await settle();
  }
}

/** Lets promise callbacks (appends, parked answers) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

class FakeLog implements ReadableLog {
  readonly batches: Buffer[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  /** While set, reads wait for it (to observe COORDINATOR_LOAD_IN_PROGRESS). */
  gate: Promise<void> | null = null;

  append(batch: Buffer, leaderEpoch: number): number {
    const copy = Buffer.from(batch);
    stampBatch(copy, 0, this.logEndOffset, leaderEpoch);
    const base = this.logEndOffset;
    this.logEndOffset += decodeRecordBatches(copy).batches[0].recordCount;
    this.batches.push(copy);
    return base;
  }

  async read(offset: number, maxBytes: number): Promise<{ records: Buffer }> {
    if (this.gate) await this.gate;
    const out: Buffer[] = [];
    let size = 0;
    for (const b of this.batches) {
      const [batch] = decodeRecordBatches(b).batches;
      if (batch.lastOffset < offset) continue;
      if (size > 0 && size + b.length > maxBytes) break;
      out.push(b);
      size += batchSizeAt(b, 0);
    }
    return { records: Buffer.concat(out) };
  }

  records(): Array<OffsetsRecord & { offset: number }> {
    return this.batches.flatMap((b) => decodeRecordBatches(b).batches.flatMap((batch) => batch.records.map((r) => ({
      offset: r.offset, ...decodeOffsetsRecord(r.key!, r.value),
    }))));
  }
}

export class FakeReplicas extends EventEmitter implements OffsetsReplicas {
  readonly logs = new Map<number, FakeLog>();
  readonly leading = new Set<number>();
  /** Error code the next appends fail with (0 = succeed). */
  failWith = 0;
  /** While set, appends wait for it, so a test can look at the coordinator mid-write. */
  hold: Promise<void> | null = null;

  log(partition: number): FakeLog {
    let log = this.logs.get(partition);
    if (!log) this.logs.set(partition, (log = new FakeLog()));
    return log;
  }

  lead(partition: number, leaderEpoch = 1): void {
    this.log(partition);
    this.leading.add(partition);
    this.emit('leadership-change', { topic: OFFSETS_TOPIC, partition, isLeader: true, leaderEpoch } satisfies LeadershipChange);
  }

  resign(partition: number, leaderEpoch = 2): void {
    this.leading.delete(partition);
    this.emit('leadership-change', { topic: OFFSETS_TOPIC, partition, isLeader: false, leaderEpoch } satisfies LeadershipChange);
  }

  async appendRecords(topic: string, partition: number, records: Buffer): Promise<AppendOutcome> {
    expect(topic).to.equal(OFFSETS_TOPIC);
    if (this.hold) await this.hold;
    if (!this.leading.has(partition)) return { errorCode: ErrorCode.NOT_LEADER_FOR_PARTITION.code, baseOffset: -1 };
    if (this.failWith !== 0) return { errorCode: this.failWith, baseOffset: -1 };
    return { errorCode: 0, baseOffset: this.log(partition).append(records, 1) };
  }

  getPartition(topic: string, partition: number): { log: ReadableLog } | undefined {
    const log = this.logs.get(partition);
    return topic === OFFSETS_TOPIC && log ? { log } : undefined;
  }
}

export class FakeMetadata {
  readonly topics = new Map<string, number>([['t', 4], ['u', 2]]);
  offsetsLeader = 1;

  partitions(topic: string): Array<{ leader: number }> | undefined {
    if (topic === OFFSETS_TOPIC) return [{ leader: this.offsetsLeader }];
    const n = this.topics.get(topic);
    return n === undefined ? undefined : Array.from({ length: n }, () => ({ leader: 1 }));
  }

  /** Broker 1 has a PLAINTEXT and an EXTERNAL listener. */
  broker(id: number, listenerName = 'PLAINTEXT'): { host: string; port: number } | undefined {
    if (id !== 1) return undefined;
    if (listenerName === 'PLAINTEXT') return { host: 'localhost', port: 9092 };
    return listenerName === 'EXTERNAL' ? { host: 'broker1.example.com', port: 19092 } : undefined;
  }

  liveBrokers(): unknown[] {
    return [1];
  }

  topicNames(): string[] {
    return [OFFSETS_TOPIC, ...this.topics.keys()].sort();
  }
}

/** One offsets partition keeps every test group on partition 0. */
export const TEST_CONFIG: GroupCoordinatorConfig = {
  offsetsTopicNumPartitions: 1,
  offsetsTopicReplicationFactor: 1,
  offsetsTopicSegmentBytes: 1 << 20,
  offsetsRetentionMs: 60_000,
  offsetsRetentionCheckIntervalMs: 10_000,
  offsetsCommitTimeoutMs: 5000,
  offsetMetadataMaxBytes: 16,
  loadBufferBytes: 4096,
  group: { minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000, initialRebalanceDelayMs: 0, maxSize: 100 },
};

export interface Harness {
  clock: FakeClock;
  replicas: FakeReplicas;
  metadata: FakeMetadata;
  coordinator: GroupCoordinator;
}

export function newCoordinator(shared?: Pick<Harness, 'clock' | 'replicas' | 'metadata'>, config = TEST_CONFIG): Harness {
  const clock = shared?.clock ?? new FakeClock();
  const replicas = shared?.replicas ?? new FakeReplicas();
  const metadata = shared?.metadata ?? new FakeMetadata();
  const coordinator = new GroupCoordinator({
    brokerId: 1, config, replicas, metadata, clock, logger: getLogger('test-group-coordinator'),
    topics: { createTopics: async () => [{ errorCode: 0, errorMessage: null }] },
  });
  coordinator.startup();
  return { clock, replicas, metadata, coordinator };
}

export const SESSION_MS = 10_000;
export const REBALANCE_MS = 20_000;

export function joinRequest(memberId: string, overrides: { sessionTimeoutMs?: number; topics?: string[]; groupId?: string } = {}) {
  return {
    groupId: overrides.groupId ?? 'g', sessionTimeoutMs: overrides.sessionTimeoutMs ?? SESSION_MS, rebalanceTimeoutMs: REBALANCE_MS,
    memberId, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription({ topics: overrides.topics ?? ['t'], userData: null, ownedPartitions: [] }) }],
  };
}

export const CLIENT = { clientId: 'client', clientHost: '/127.0.0.1' };

/** The MEMBER_ID_REQUIRED handshake: returns the member id and the parked (or answered) second join. */
export async function joinWithId(h: Harness, groupId = 'g') {
  const first = await h.coordinator.membership.join(joinRequest('', { groupId }), CLIENT);
  expect(first.errorCode).to.equal(ErrorCode.MEMBER_ID_REQUIRED.code);
  const memberId = first.memberId;
  return { memberId, joined: h.coordinator.membership.join(joinRequest(memberId, { groupId }), CLIENT) };
}

/** Resolves to 'pending' if the promise has not settled after the microtask queue drains. */
export async function peek<T>(p: Promise<T>): Promise<T | 'pending'> {
  const marker = Symbol('pending');
  const result = await Promise.race([p, settle().then(() => marker)]);
  return result === marker ? 'pending' : result as T;
}

/**
 * Registers hooks for a suite over one coordinator leading `__consumer_offsets` partition 0: a
 * fresh one before each test (filled into the returned object), shut down after it.
 */
export function useLeadingCoordinator(): Harness {
  const h = {} as Harness;
  beforeEach(async () => {
    Object.assign(h, newCoordinator());
    h.replicas.lead(0);
    await settle();
  });
  afterEach(() => h.coordinator.shutdown());
  return h;
}
