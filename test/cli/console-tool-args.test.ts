import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildProducerProperties, main as producerMain, parseConsoleProducerArgs } from '../../lib/cli/console-producer';
import { main as consumerMain, parseConsoleConsumerArgs, parseStartOffset } from '../../lib/cli/console-consumer';
import { main as producerPerfMain, parseProducerPerfArgs } from '../../lib/cli/producer-perf-test';
import { main as consumerPerfMain, parseConsumerPerfArgs } from '../../lib/cli/consumer-perf-test';
import { captureIo } from './capture-io';

const BOOTSTRAP = ['--bootstrap-server', 'localhost:9092'];

async function expectUsageError(main: (argv: string[], io: ReturnType<typeof captureIo>) => Promise<number>, argv: string[], message: string | RegExp): Promise<void> {
  const io = captureIo();
  const code = await main(argv, io);
  expect(code).to.equal(1);
  const stderr = io.stderrText();
  if (typeof message === 'string') expect(stderr).to.contain(message);
  else expect(stderr).to.match(message);
  expect(stderr).to.not.match(/\n\s+at /, 'no stack trace');
}

describe('cli/console-producer arguments', () => {
  it('requires --bootstrap-server and --topic', async () => {
    await expectUsageError(producerMain, ['--topic', 't'], "required option '--bootstrap-server <host:port>' not specified");
    await expectUsageError(producerMain, [...BOOTSTRAP], "required option '--topic <topic>' not specified");
  });

  it('rejects bad acks, codecs and bootstrap addresses', async () => {
    await expectUsageError(producerMain, [...BOOTSTRAP, '--topic', 't', '--request-required-acks', '2'], 'Invalid value 2 for --request-required-acks');
    await expectUsageError(producerMain, [...BOOTSTRAP, '--topic', 't', '--compression-codec', 'brotli'], 'Invalid value brotli for --compression-codec');
    await expectUsageError(producerMain, ['--bootstrap-server', 'localhost', '--topic', 't'], /Invalid bootstrap server list 'localhost'/);
    await expectUsageError(producerMain, [...BOOTSTRAP, '--topic', 't', '--property', 'parse.key'], /expected key=value/);
  });

  it('layers the config file, --producer-property and explicit flags in Kafka\'s order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-cli-'));
    const file = path.join(dir, 'producer.properties');
    fs.writeFileSync(file, 'acks=0\nlinger.ms=7\nbatch.size=100\nclient.id=from-file\n');
    try {
      const io = captureIo();
      const parsed = parseConsoleProducerArgs(
        [...BOOTSTRAP, '--topic', 't', '--producer.config', file, '--producer-property', 'linger.ms=9', '--request-required-acks', 'all', '--compression-codec'],
        io,
      );
      expect(parsed.ok).to.equal(true);
      if (!parsed.ok) return;
      expect(parsed.options.producerProps).to.deep.equal({
        acks: 'all',
        'linger.ms': '9',
        'batch.size': '100',
        'client.id': 'from-file',
        'bootstrap.servers': 'localhost:9092',
        'compression.type': 'gzip',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies the tool's defaults where nothing else set a key", () => {
    const props = buildProducerProperties({ bootstrapServer: 'h1:9092, h2:9093' });
    expect(props).to.deep.equal({ 'bootstrap.servers': 'h1:9092,h2:9093', acks: '-1', 'linger.ms': '1000', 'client.id': 'console-producer' });
  });

  it('reports a missing config file as a usage error', async () => {
    await expectUsageError(producerMain, [...BOOTSTRAP, '--topic', 't', '--producer.config', '/nonexistent/p.properties'], 'Cannot read configuration file /nonexistent/p.properties');
  });
});

describe('cli/console-consumer arguments', () => {
  it('takes exactly one of --topic and --include (or the deprecated --whitelist), as Kafka 2.8', async () => {
    await expectUsageError(consumerMain, [...BOOTSTRAP], 'Exactly one of --include/--topic is required.');
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--include', 'x.*'], 'Exactly one of --include/--topic is required.');
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--whitelist', 'x.*'], '--whitelist is DEPRECATED use --include instead');
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--include', 'x.*', '--partition', '0'], 'The topic is required when partition is specified.');
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--include', 'orders(['], 'orders([ is an invalid regex.');
    const io = captureIo();
    const parsed = parseConsoleConsumerArgs([...BOOTSTRAP, '--include', "'orders.*, audit'", '--whitelist', 'ignored'], io);
    expect(parsed.ok).to.equal(true);
    const include = parsed.ok ? parsed.options.include : undefined;
    expect(include?.source).to.equal('orders.*|audit');
    const whitelisted = parseConsoleConsumerArgs([...BOOTSTRAP, '--whitelist', 'a,b'], io);
    expect(whitelisted.ok && whitelisted.options.include?.source).to.equal('a|b');
  });

  it("rejects --offset without --partition with Kafka's message", async () => {
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--offset', '5'], 'The partition is required when offset is specified.');
  });

  it('rejects --from-beginning together with --offset', async () => {
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--partition', '0', '--offset', '5', '--from-beginning'], 'Options from-beginning and offset cannot be specified together.');
  });

  it('rejects bad offsets and bad numbers', async () => {
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--partition', '0', '--offset', '-3'], "The provided offset value '-3' is incorrect.");
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--max-messages', 'ten'], "argument 'ten' is invalid");
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--partition', '-1'], 'Must be at least 0.');
  });

  it('rejects --from-beginning with a conflicting auto.offset.reset', async () => {
    await expectUsageError(consumerMain, [...BOOTSTRAP, '--topic', 't', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest'], "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest'");
  });

  it('parses start offsets', () => {
    expect(parseStartOffset('earliest')).to.equal('earliest');
    expect(parseStartOffset('LATEST')).to.equal('latest');
    expect(parseStartOffset('42')).to.equal(42);
    // The Samsa extension: a time, in ms or ISO-8601.
    expect(parseStartOffset('timestamp:1700000000000')).to.deep.equal({ timestamp: 1700000000000 });
    expect(parseStartOffset('timestamp:2023-11-14T22:13:20Z')).to.deep.equal({ timestamp: 1700000000000 });
    expect(() => parseStartOffset('timestamp:yesterday')).to.throw("The provided offset value 'timestamp:yesterday' is incorrect.");
  });

  it('derives consumer properties and start positions from the flags', () => {
    const io = captureIo();
    const parsed = parseConsoleConsumerArgs([...BOOTSTRAP, '--topic', 't', '--from-beginning', '--group', 'g1', '--property', 'print.key=true', '--timeout-ms', '500'], io);
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    expect(parsed.options.consumerProps).to.deep.equal({
      'auto.offset.reset': 'earliest',
      'group.id': 'g1',
      'bootstrap.servers': 'localhost:9092',
      'client.id': 'console-consumer',
    });
    expect(parsed.options.startOffset).to.equal('earliest');
    expect(parsed.options.timeoutMs).to.equal(500);
    expect(parsed.options.maxMessages).to.equal(-1);
    expect(parsed.options.formatterProps).to.deep.equal({ 'print.key': 'true' });
  });

  it('starts an explicit partition at the latest offset unless told otherwise', () => {
    const parsed = parseConsoleConsumerArgs([...BOOTSTRAP, '--topic', 't', '--partition', '1'], captureIo());
    expect(parsed.ok && parsed.options.startOffset).to.equal('latest');
  });
});

describe('cli/perf-test arguments', () => {
  const PERF = ['--topic', 't', '--num-records', '10', '--throughput', '-1'];

  it('requires exactly one payload source', async () => {
    await expectUsageError(producerPerfMain, [...PERF, '--producer-props', 'bootstrap.servers=localhost:9092'], 'Exactly one of --record-size, --payload-file or --payload-monotonic must be specified.');
    await expectUsageError(producerPerfMain, [...PERF, '--record-size', '10', '--payload-monotonic', '--producer-props', 'bootstrap.servers=localhost:9092'], 'Exactly one of');
  });

  it('requires producer properties from somewhere', async () => {
    await expectUsageError(producerPerfMain, [...PERF, '--record-size', '100'], 'Either --producer-props or --producer.config must be specified.');
  });

  it('rejects non-positive record counts and sizes', async () => {
    await expectUsageError(producerPerfMain, ['--topic', 't', '--num-records', '0', '--throughput', '-1', '--record-size', '1', '--producer-props', 'a=b'], '--num-records should be greater than zero');
    await expectUsageError(producerPerfMain, [...PERF, '--record-size', '0', '--producer-props', 'a=b'], '--record-size should be greater than zero');
    await expectUsageError(producerPerfMain, ['--topic', 't', '--num-records', '5', '--throughput', 'fast', '--record-size', '1', '--producer-props', 'a=b'], "argument 'fast' is invalid. Not a number.");
  });

  it('accepts several --producer-props values and a negative throughput', () => {
    const parsed = parseProducerPerfArgs([...PERF, '--record-size', '100', '--producer-props', 'bootstrap.servers=localhost:9092', 'acks=1'], captureIo());
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    expect(parsed.options.throughput).to.equal(-1);
    expect(parsed.options.producerProps).to.deep.equal({ 'bootstrap.servers': 'localhost:9092', acks: '1', 'client.id': 'perf-producer-client' });
  });

  it('requires --messages for the consumer perf test and applies Kafka defaults', async () => {
    await expectUsageError(consumerPerfMain, [...BOOTSTRAP, '--topic', 't'], "required option '--messages <n>' not specified");
    const parsed = parseConsumerPerfArgs([...BOOTSTRAP, '--topic', 't', '--messages', '100'], captureIo());
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    expect(parsed.options).to.include({ messages: 100, timeoutMs: 10000, reportingIntervalMs: 5000, showDetailedStats: false });
    expect(parsed.options.consumerProps).to.include({ 'auto.offset.reset': 'earliest', 'max.partition.fetch.bytes': '1048576' });
    // Kafka's ConsumerPerformance always joins a group: a throwaway one unless --group names it.
    expect(parsed.options.consumerProps['group.id']).to.match(/^perf-consumer-\d+$/);
    const named = parseConsumerPerfArgs([...BOOTSTRAP, '--topic', 't', '--messages', '1', '--group', 'perf-g'], captureIo());
    expect(named.ok && named.options.consumerProps['group.id']).to.equal('perf-g');
  });
});
