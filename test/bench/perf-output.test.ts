import { expect } from 'chai';
import { formatConsumerSummary, consumerPerfHeader } from '../../lib/cli/consumer-perf-format';
import { formatTotalLine } from '../../lib/cli/producer-perf-stats';
import {
  countLines, parseConsumerPerf, parseKcatVersion, parseProcStatCpuTicks, parseProducerPerf, parseVmRssBytes,
} from '../../bench/peers/perf-output';

describe('bench/peers/perf-output', () => {
  it('reads the producer perf tool\'s final line as the tool formats it', () => {
    const total = formatTotalLine({ count: 2_000_000, bytes: 200_000_000, totalLatencyMs: 4_000_000, maxLatencyMs: 312, elapsedMs: 4000 },
      { p50: 1, p95: 4, p99: 11, p999: 94 });
    const output = `1000 records sent, 200.0 records/sec (0.02 MB/sec), 1.0 ms avg latency, 3.0 ms max latency.\n${total}\n`;
    const r = parseProducerPerf(output)!;
    expect(r.records).to.equal(2_000_000);
    expect(r.recordsPerSec).to.equal(500_000);
    expect(r.mbPerSec).to.be.closeTo(47.68, 0.01);
    expect(r.maxLatencyMs).to.equal(312);
    expect([r.p50Ms, r.p95Ms, r.p99Ms, r.p999Ms]).to.deep.equal([1, 4, 11, 94]);
  });

  it('reads a line in Kafka\'s own ProducerPerformance format', () => {
    const kafka = '1000000 records sent, 578034.682081 records/sec (55.13 MB/sec), 245.70 ms avg latency, 566.00 ms max latency, ' +
      '247 ms 50th, 481 ms 95th, 540 ms 99th, 562 ms 99.9th.';
    expect(parseProducerPerf(kafka)!.recordsPerSec).to.equal(578034.682081);
  });

  it('ignores the periodic lines: no final line is no result', () => {
    expect(parseProducerPerf('5000 records sent, 1000.0 records/sec (0.10 MB/sec), 1.0 ms avg latency, 2.0 ms max latency.\n')).to.equal(null);
    expect(parseProducerPerf('')).to.equal(null);
  });

  it('reads the consumer perf tool\'s summary line after its header', () => {
    const line = formatConsumerSummary({ startMs: 0, endMs: 2000, bytes: 100_000_000, messages: 1_000_000, joinTimeMs: 500 });
    const r = parseConsumerPerf(`${consumerPerfHeader(false)}\n${line}\n`)!;
    expect(r.records).to.equal(1_000_000);
    expect(r.recordsPerSec).to.equal(500_000);
    expect(r.fetchRecordsPerSec).to.be.closeTo(666_666.6667, 0.001);
    expect(r.mbPerSec).to.be.closeTo(47.6837, 0.0001);
  });

  it('returns null for consumer output without a result line or with a short one', () => {
    expect(parseConsumerPerf('WARNING: timed out\n')).to.equal(null);
    expect(parseConsumerPerf(`${consumerPerfHeader(false)}\n`)).to.equal(null);
    expect(parseConsumerPerf(`${consumerPerfHeader(false)}\n2026-12-03 12:00:00:000, 2026-12-03\n`)).to.equal(null);
  });

  it('counts the records kcat -C wrote, one per line', () => {
    expect(countLines(Buffer.from('a\nbb\n\nccc\n'))).to.equal(4);
    expect(countLines(Buffer.from('no newline'))).to.equal(0);
    expect(countLines(Buffer.alloc(0))).to.equal(0);
  });

  it('reads kcat\'s and librdkafka\'s versions from kcat -V', () => {
    const banner = 'kcat - Apache Kafka producer and consumer tool\nhttps://github.com/edenhill/kcat\nCopyright (c) 2014-2021, Magnus Edenhill\n' +
      'Version 1.7.1 (JSON, Transactions, IncrementalAssign, librdkafka 2.0.2 builtin.features=gzip,snappy,ssl)\n';
    expect(parseKcatVersion(banner)).to.deep.equal({ kcat: '1.7.1', librdkafka: '2.0.2' });
    expect(parseKcatVersion('kcat: command not found')).to.equal(null);
  });

  it('sums utime and stime from /proc/<pid>/stat, whatever the command name holds', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[14 - 3] = '1234';
    fields[15 - 3] = '56';
    expect(parseProcStatCpuTicks(`4242 (node) ${fields.join(' ')}`)).to.equal(1290);
    expect(parseProcStatCpuTicks(`4242 (a) (b c) ${fields.join(' ')}`)).to.equal(1290);
    expect(() => parseProcStatCpuTicks('4242 (node) S')).to.throw(/unreadable/);
  });

  it('reads VmRSS in bytes from /proc/<pid>/status', () => {
    expect(parseVmRssBytes('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  118784 kB\nRssAnon:\t 1 kB\n')).to.equal(118784 * 1024);
    expect(() => parseVmRssBytes('Name:\tnode\n')).to.throw(/VmRSS/);
  });
});
