/**
 * Report lines of `samsa-consumer-perf-test`, in the exact CSV-ish format of Kafka's
 * ConsumerPerformance so the output drops into the same spreadsheets and scripts:
 *
 *   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 *   rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 *
 * Times use Kafka's default date format `yyyy-MM-dd HH:mm:ss:SSS` in local time; decimals are
 * `%.4f`. Pure functions, tested without a broker.
 */
import { fixed } from './producer-perf-stats';

const MB = 1024 * 1024;
const EXTRA_FIELDS = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export function consumerPerfHeader(showDetailedStats: boolean): string {
  return showDetailedStats
    ? `time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${EXTRA_FIELDS}`
    : `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${EXTRA_FIELDS}`;
}

/** `yyyy-MM-dd HH:mm:ss:SSS` in local time (SimpleDateFormat's default pattern in the tool). */
export function formatPerfDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}:${pad(d.getMilliseconds(), 3)}`
  );
}

export interface ConsumerPerfSummary {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  /** Time spent joining the consumer group (revocation or start to assignment), as Kafka counts it. */
  joinTimeMs: number;
}

/** The single result line printed without --show-detailed-stats. */
export function formatConsumerSummary(s: ConsumerPerfSummary): string {
  const elapsedSec = (s.endMs - s.startMs) / 1000;
  const fetchTimeMs = s.endMs - s.startMs - s.joinTimeMs;
  const totalMb = s.bytes / MB;
  return [
    formatPerfDate(s.startMs),
    formatPerfDate(s.endMs),
    fixed(totalMb, 4),
    fixed(totalMb / elapsedSec, 4),
    String(s.messages),
    fixed(s.messages / elapsedSec, 4),
    String(s.joinTimeMs),
    String(fetchTimeMs),
    fixed(totalMb / (fetchTimeMs / 1000), 4),
    fixed(s.messages / (fetchTimeMs / 1000), 4),
  ].join(', ');
}

export interface ConsumerPerfProgress {
  threadId: number;
  bytesRead: number;
  lastBytesRead: number;
  messagesRead: number;
  lastMessagesRead: number;
  /** Start and end of the reporting interval. */
  startMs: number;
  endMs: number;
  joinTimeMsInInterval: number;
}

/** One `--show-detailed-stats` line: totals so far, rates over the last interval. */
export function formatConsumerProgress(p: ConsumerPerfProgress): string {
  const elapsedMs = p.endMs - p.startMs;
  const totalMb = p.bytesRead / MB;
  const intervalMb = (p.bytesRead - p.lastBytesRead) / MB;
  const intervalMessages = p.messagesRead - p.lastMessagesRead;
  const fetchTimeMs = elapsedMs - p.joinTimeMsInInterval;
  return [
    formatPerfDate(p.endMs),
    String(p.threadId),
    fixed(totalMb, 4),
    fixed((1000 * intervalMb) / elapsedMs, 4),
    String(p.messagesRead),
    fixed((intervalMessages / elapsedMs) * 1000, 4),
    String(p.joinTimeMsInInterval),
    String(fetchTimeMs),
    fixed(fetchTimeMs <= 0 ? 0 : (1000 * intervalMb) / fetchTimeMs, 4),
    fixed(fetchTimeMs <= 0 ? 0 : (1000 * intervalMessages) / fetchTimeMs, 4),
  ].join(', ');
}
