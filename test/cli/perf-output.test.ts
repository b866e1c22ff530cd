import { expect } from 'chai';
import { ProducerPerfStats, formatTotalLine, formatWindowLine } from '../../lib/cli/producer-perf-stats';
import { consumerPerfHeader, formatConsumerProgress, formatConsumerSummary, formatPerfDate } from '../../lib/cli/consumer-perf-format';

const MB = 1024 * 1024;

describe('cli/producer-perf-stats', () => {
  it("formats the 5-second window line like Kafka's ProducerPerformance", () => {
    const line = formatWindowLine({ count: 50000, bytes: 5_000_000, totalLatencyMs: 125000, maxLatencyMs: 37, elapsedMs: 5000 });
    expect(line).to.equal('50000 records sent, 10000.0 records/sec (0.95 MB/sec), 2.5 ms avg latency, 37.0 ms max latency.');
  });

  it("formats the final line with six-decimal throughput and Kafka's percentile wording", () => {
    const line = formatTotalLine(
      { count: 1000, bytes: 100000, totalLatencyMs: 1500, maxLatencyMs: 9, elapsedMs: 2000 },
      { p50: 1, p95: 3, p99: 7, p999: 9 },
    );
    expect(line).to.equal(
      '1000 records sent, 500.000000 records/sec (0.05 MB/sec), 1.50 ms avg latency, 9.00 ms max latency, ' +
        '1 ms 50th, 3 ms 95th, 7 ms 99th, 9 ms 99.9th.',
    );
  });

  it('prints a window line once the reporting interval has passed, then starts a new window', () => {
    let now = 0;
    const printed: string[] = [];
    const stats = new ProducerPerfStats((line) => printed.push(line), () => now, 5000);
    now = 1000;
    stats.record(2, 100, now);
    expect(printed).to.deep.equal([]);
    now = 5000;
    stats.record(4, 100, now);
    expect(printed).to.deep.equal(['2 records sent, 0.4 records/sec (0.00 MB/sec), 3.0 ms avg latency, 4.0 ms max latency.']);
    now = 6000;
    stats.record(10, 100, now);
    expect(printed).to.have.length(1);
    stats.close();
  });

  it('reports exact percentiles of whole-millisecond latencies', () => {
    let now = 0;
    const stats = new ProducerPerfStats(() => undefined, () => now);
    for (let latency = 1; latency <= 1000; latency++) stats.record(latency, 10, 0);
    now = 1000;
    expect(stats.percentiles()).to.deep.equal({ p50: 500, p95: 950, p99: 990, p999: 999 });
    expect(stats.totalLine()).to.match(/^1000 records sent, 1000\.000000 records\/sec \(0\.01 MB\/sec\), 500\.50 ms avg latency, 1000\.00 ms max latency, 500 ms 50th/);
    stats.close();
  });

  it('counts latencies of a minute and more in the overflow histogram, in percentile order', () => {
    const stats = new ProducerPerfStats(() => undefined, () => 0);
    for (let i = 0; i < 990; i++) stats.record(3, 10, 0);
    for (let i = 0; i < 10; i++) stats.record(90_000 + i, 10, 0);
    const p = stats.percentiles();
    expect([p.p50, p.p95, p.p99]).to.deep.equal([3, 3, 3]);
    // HdrHistogram's 3 significant digits: within 0.1% of the value.
    expect(p.p999).to.be.within(90_000, 90_100);
    stats.close();
  });
});

describe('cli/consumer-perf-format', () => {
  const start = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();

  it("prints Kafka's header line, with the detailed variant for --show-detailed-stats", () => {
    expect(consumerPerfHeader(false)).to.equal(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    expect(consumerPerfHeader(true)).to.equal(
      'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
  });

  it('formats times as yyyy-MM-dd HH:mm:ss:SSS in local time', () => {
    expect(formatPerfDate(start)).to.equal('2024-01-02 03:04:05:006');
  });

  it('formats the summary line with four decimals and fetch rates net of the join time', () => {
    const line = formatConsumerSummary({ startMs: start, endMs: start + 2000, bytes: 2 * MB, messages: 1000, joinTimeMs: 500 });
    expect(line).to.equal('2024-01-02 03:04:05:006, 2024-01-02 03:04:07:006, 2.0000, 1.0000, 1000, 500.0000, 500, 1500, 1.3333, 666.6667');
  });

  it('formats a detailed progress line over the last interval', () => {
    const line = formatConsumerProgress({
      threadId: 0,
      bytesRead: 3 * MB,
      lastBytesRead: MB,
      messagesRead: 3000,
      lastMessagesRead: 1000,
      startMs: start,
      endMs: start + 1000,
      joinTimeMsInInterval: 0,
    });
    expect(line).to.equal('2024-01-02 03:04:06:006, 0, 3.0000, 2.0000, 3000, 2000.0000, 0, 1000, 2.0000, 2000.0000');
  });
});
