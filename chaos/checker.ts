/**
 * The chaos suite's checker: a pure function from what the clients logged (acknowledgements,
 * send errors, group reads) and what the partitions hold at the end to the figures the issue asks
 * for. Pure so it can be unit-tested with hand-made histories, and so a result file can be
 * re-checked offline.
 *
 * A record is identified by its value `<writer>:<n>` (writer = producer name, n = its sequence).
 * Anything one acks=all producer had acknowledged must be in the final log exactly once, at the
 * acknowledged partition and offset, and in send order relative to that producer's other records
 * of the partition. The acks=1 control is checked for losses only and reported apart: acks=1
 * promises nothing once the leader fails.
 */

export interface AckLine { t: number; w: string; n: number; p: number; o: number }
export interface SendErrorLine { t: number; w: string; n: number; e: string }
export interface ConsumedLine { t: number; m: string; g: number; p: number; o: number; v: string }
export interface LogEntry { o: number; v: string }

export interface FinalPartition { partition: number; leader: number; isr: number[]; leaderEpoch: number }

export interface CheckInput {
  /** Acknowledgements of the acks=all (idempotent) producers. */
  acks: AckLine[];
  sendErrors: SendErrorLine[];
  consumed: ConsumedLine[];
  /** partition -> every record of the checked topic, read from offset 0 to the end after healing. */
  finalLog: Map<number, LogEntry[]>;
  control: { acks: AckLine[]; sendErrors: SendErrorLine[]; finalLog: Map<number, LogEntry[]> };
  finalPartitions: FinalPartition[];
  minInsyncReplicas: number;
  /** When the last partition was healed (ms since the epoch); null if the scenario never healed. */
  healedAt: number | null;
}

export interface CheckReport {
  acknowledged: number;
  sendErrors: number;
  lost: number;
  wrongOffset: number;
  duplicated: number;
  reordered: number;
  /** Two different records acknowledged at one (partition, offset): two leaders accepted writes. */
  conflictingAcks: number;
  /** Read by the group, never acknowledged to a producer (written but unconfirmed; harmless if in the log). */
  readNotAcknowledged: number;
  /** Read by the group but absent from the final log: the group saw a write that was later truncated. */
  readNotInLog: number;
  /** (member, generation, partition, offset) seen more than once. */
  consumedTwiceInGeneration: number;
  recoverySeconds: number | null;
  finalPartitions: FinalPartition[];
  /** Partitions without a leader or with an ISR below min.insync.replicas at the end. */
  unhealthyPartitions: number[];
  control: { acknowledged: number; lost: number; sendErrors: number };
  /** Samples for the report: up to 10 of each kind of violation. */
  examples: Record<string, string[]>;
  /** Every broken guarantee, in words; empty when the run is clean. */
  violations: string[];
}

const EXAMPLES = 10;

interface Located { p: number; o: number }

function index(finalLog: Map<number, LogEntry[]>): Map<string, Located[]> {
  const where = new Map<string, Located[]>();
  for (const [p, entries] of finalLog) {
    for (const e of entries) {
      const list = where.get(e.v);
      if (list) list.push({ p, o: e.o });
      else where.set(e.v, [{ p, o: e.o }]);
    }
  }
  return where;
}

export function parseValue(v: string): { w: string; n: number } | null {
  const i = v.lastIndexOf(':');
  if (i <= 0) return null;
  const n = Number(v.slice(i + 1));
  return Number.isInteger(n) ? { w: v.slice(0, i), n } : null;
}

function push(examples: Record<string, string[]>, kind: string, text: string): void {
  const list = examples[kind] ?? (examples[kind] = []);
  if (list.length < EXAMPLES) list.push(text);
}

export function check(input: CheckInput): CheckReport {
  const examples: Record<string, string[]> = {};
  const where = index(input.finalLog);
  // The last ack wins for a record acknowledged twice (cannot happen with one send per number).
  const acked = new Map<string, AckLine>();
  for (const a of input.acks) acked.set(`${a.w}:${a.n}`, a);

  let lost = 0;
  let wrongOffset = 0;
  for (const [v, a] of acked) {
    const found = where.get(v);
    if (!found) {
      lost++;
      push(examples, 'lost', `${v} acked at ${a.p}/${a.o}`);
    } else if (!found.some((l) => l.p === a.p && l.o === a.o)) {
      wrongOffset++;
      push(examples, 'wrongOffset', `${v} acked at ${a.p}/${a.o}, found at ${found.map((l) => `${l.p}/${l.o}`).join(',')}`);
    }
  }

  let duplicated = 0;
  for (const [v, list] of where) {
    if (list.length > 1) {
      duplicated += list.length - 1;
      push(examples, 'duplicated', `${v} at ${list.map((l) => `${l.p}/${l.o}`).join(',')}`);
    }
  }

  let reordered = 0;
  for (const [p, entries] of input.finalLog) {
    const highest = new Map<string, number>();
    for (const e of [...entries].sort((x, y) => x.o - y.o)) {
      const r = parseValue(e.v);
      if (!r) continue;
      const prev = highest.get(r.w);
      if (prev !== undefined && r.n < prev) {
        reordered++;
        push(examples, 'reordered', `${e.v} at ${p}/${e.o} after ${r.w}:${prev}`);
      }
      if (prev === undefined || r.n > prev) highest.set(r.w, r.n);
    }
  }

  let conflictingAcks = 0;
  const byOffset = new Map<string, string>();
  for (const [v, a] of acked) {
    const key = `${a.p}/${a.o}`;
    const other = byOffset.get(key);
    if (other !== undefined && other !== v) {
      conflictingAcks++;
      push(examples, 'conflictingAcks', `${key} acked for ${other} and ${v}`);
    } else {
      byOffset.set(key, v);
    }
  }

  let readNotAcknowledged = 0;
  let readNotInLog = 0;
  let consumedTwiceInGeneration = 0;
  const seen = new Set<string>();
  for (const c of input.consumed) {
    if (!acked.has(c.v)) readNotAcknowledged++;
    if (!where.has(c.v)) {
      readNotInLog++;
      push(examples, 'readNotInLog', `${c.v} read by ${c.m} at ${c.p}/${c.o}`);
    }
    const key = `${c.m}|${c.g}|${c.p}|${c.o}`;
    if (seen.has(key)) {
      consumedTwiceInGeneration++;
      push(examples, 'consumedTwiceInGeneration', `${c.m} generation ${c.g} read ${c.p}/${c.o} again`);
    }
    seen.add(key);
  }

  const recoverySeconds = recovery(input);
  const unhealthyPartitions = input.finalPartitions
    .filter((s) => s.leader < 0 || s.isr.length < input.minInsyncReplicas).map((s) => s.partition);

  const controlWhere = index(input.control.finalLog);
  const controlAcked = new Set(input.control.acks.map((a) => `${a.w}:${a.n}`));
  let controlLost = 0;
  for (const v of controlAcked) if (!controlWhere.has(v)) controlLost++;

  const violations: string[] = [];
  const figure = (n: number, what: string): void => { if (n > 0) violations.push(`${n} ${what}`); };
  figure(lost, 'acknowledged record(s) lost');
  figure(wrongOffset, 'acknowledged record(s) at another offset than acknowledged');
  figure(duplicated, 'duplicate record(s)');
  figure(reordered, 'record(s) out of order within a producer and partition');
  figure(conflictingAcks, 'offset(s) acknowledged to two different records');
  figure(readNotInLog, 'record(s) read by the group that are not in the final log');
  figure(consumedTwiceInGeneration, 'offset(s) consumed twice by one member within one generation');
  if (unhealthyPartitions.length > 0) violations.push(`partition(s) ${unhealthyPartitions.join(',')} without a leader or below min.insync.replicas at the end`);
  if (input.healedAt !== null && recoverySeconds === null) violations.push('some partition never accepted a write after healing');

  return {
    acknowledged: acked.size,
    sendErrors: input.sendErrors.length,
    lost, wrongOffset, duplicated, reordered, conflictingAcks, readNotAcknowledged, readNotInLog, consumedTwiceInGeneration,
    recoverySeconds, finalPartitions: input.finalPartitions, unhealthyPartitions,
    control: { acknowledged: controlAcked.size, lost: controlLost, sendErrors: input.control.sendErrors.length },
    examples, violations,
  };
}

/** Seconds from the heal until every partition of the checked topic has acknowledged a write again. */
function recovery(input: CheckInput): number | null {
  if (input.healedAt === null) return 0;
  const healedAt = input.healedAt;
  const firstAfter = new Map<number, number>();
  for (const a of input.acks) {
    if (a.t < healedAt) continue;
    const prev = firstAfter.get(a.p);
    if (prev === undefined || a.t < prev) firstAfter.set(a.p, a.t);
  }
  const partitions = input.finalPartitions.length > 0 ? input.finalPartitions.map((s) => s.partition) : [...input.finalLog.keys()];
  let worst = 0;
  for (const p of partitions) {
    const t = firstAfter.get(p);
    if (t === undefined) return null;
    worst = Math.max(worst, t - healedAt);
  }
  return Math.round(worst / 100) / 10;
}
