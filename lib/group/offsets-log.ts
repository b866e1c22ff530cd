/**
 * What the group coordinator needs from the broker's replica manager, as a narrow interface.
 *
 * The coordinator only needs to hear when this broker gains or loses leadership of a partition,
 * to append records to a partition it leads with produce semantics, and to read a led partition
 * from start to end when loading it. Depending on these three things rather than on
 * ReplicaManager itself keeps the coordinator testable against an in-memory fake log.
 */

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Emitted by the replica manager as `leadership-change` whenever a partition's leader changes. */
export interface LeadershipChange {
  readonly topic: string;
  readonly partition: number;
  readonly isLeader: boolean;
  readonly leaderEpoch: number;
}

/** The parts of a produce result the coordinator looks at. */
export interface AppendOutcome {
  readonly errorCode: number;
  /** Offset given to the first appended record; -1 on error. */
  readonly baseOffset: number;
}

/** A partition log as read when loading: whole batches from `offset`, up to the log end. */
export interface ReadableLog {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  read(offset: number, maxBytes: number): Promise<{ readonly records: Buffer }>;
  /** The producer's epoch and recent batches on this log (transactional offset commits continue its sequence). */
  producerState?(producerId: number): { readonly epoch: number; readonly batches: ReadonlyArray<{ readonly lastSeq: number }> } | undefined;
}

export interface OffsetsReplicas {
  on(event: 'leadership-change', listener: (change: LeadershipChange) => void): unknown;
  off(event: 'leadership-change', listener: (change: LeadershipChange) => void): unknown;
  /** Leader append: min.insync check, and with acks=-1 waits for the high watermark (at most timeoutMs). */
  appendRecords(topic: string, partition: number, records: Buffer, acks: -1 | 0 | 1, timeoutMs: number): Promise<AppendOutcome>;
  getPartition(topic: string, partition: number): { readonly log: ReadableLog } | undefined;
}
