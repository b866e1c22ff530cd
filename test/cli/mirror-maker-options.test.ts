import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMirrorMakerArgs } from '../../lib/cli/mirror-maker-options';
import { captureIo } from './capture-io';

function file(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-mm-opts-'));
  const p = path.join(dir, 'x.properties');
  fs.writeFileSync(p, text);
  return p;
}

const SOURCE = 'bootstrap.servers=127.0.0.1:9092\ngroup.id=mirror\n';
const TARGET = 'bootstrap.servers=127.0.0.1:9093\n';

function parse(args: string[]) {
  const io = captureIo();
  const result = parseMirrorMakerArgs(args, io);
  return { result, err: io.stderrText(), out: io.stdoutText() };
}

describe('cli/mirror-maker-options', () => {
  const base = (): string[] => ['--consumer.config', file(SOURCE), '--producer.config', file(TARGET)];

  it('takes Kafka MirrorMaker\'s flags with their defaults', () => {
    const { result } = parse([...base(), '--include', 'orders.*']);
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    const o = result.options;
    expect(o.include).to.equal('orders.*');
    expect(o.numStreams).to.equal(1);
    expect(o.offsetCommitIntervalMs).to.equal(60000);
    expect(o.abortOnSendFailure).to.equal(true);
    expect(o.progressIntervalMs).to.equal(30000);
    expect(o.metricsPort).to.equal(null);
    expect(o.consumer.groupId).to.equal('mirror');
    expect(o.consumer.enableAutoCommit).to.equal(false);
    expect(o.consumer.autoOffsetReset).to.equal('earliest');
    expect(o.producer.enableIdempotence).to.equal(true);
    expect(o.producer.acks).to.be.oneOf(['all', -1]);
    expect(o.targetAdmin.bootstrapServers).to.equal('127.0.0.1:9093');
    expect(o.config['sync.topic.configs.enabled']).to.equal(true);
  });

  it('accepts the deprecated --whitelist with a warning, and MM2 settings from a file and flags', () => {
    const mm2 = file('source.cluster.alias=east\nemit.checkpoints.interval.seconds=5\n');
    const { result } = parse([...base(), '--whitelist', 'a|b', '--num.streams', '3', '--abort.on.send.failure', 'false',
      '--mm2.config', mm2, '--mm2-property', 'emit.checkpoints.interval.seconds=1', '--offset.commit.interval.ms', '500', '--metrics-port', '0']);
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(result.options.warnings.join()).to.match(/--whitelist is deprecated/);
    expect(result.options.numStreams).to.equal(3);
    expect(result.options.abortOnSendFailure).to.equal(false);
    expect(result.options.config['source.cluster.alias']).to.equal('east');
    expect(result.options.config['emit.checkpoints.interval.seconds']).to.equal(1);
    expect(result.options.offsetCommitIntervalMs).to.equal(500);
    expect(result.options.metricsPort).to.equal(0);
  });

  const refusals: Array<[string, () => string[], RegExp]> = [
    ['no include', () => base(), /Missing required argument "\[include\]"/],
    ['both include and whitelist', () => [...base(), '--include', 'a', '--whitelist', 'b'], /cannot be used together/],
    ['a bad regex', () => [...base(), '--include', 'a('], /Invalid --include regular expression/],
    ['no consumer config', () => ['--producer.config', file(TARGET), '--include', 'a'], /consumer.config/],
    ['zero streams', () => [...base(), '--include', 'a', '--num.streams', '0'], /num.streams/],
    ['a bad abort flag', () => [...base(), '--include', 'a', '--abort.on.send.failure', 'maybe'], /expected true or false/],
    ['no group.id', () => ['--consumer.config', file('bootstrap.servers=h:1\n'), '--producer.config', file(TARGET), '--include', 'a'], /must set group.id/],
    ['no target bootstrap', () => ['--consumer.config', file(SOURCE), '--producer.config', file('acks=all\n'), '--include', 'a'], /bootstrap.servers/],
    ['acks=1', () => ['--consumer.config', file(SOURCE), '--producer.config', file(`${TARGET}acks=1\n`), '--include', 'a'], /needs acks=all/],
    ['idempotence off', () => ['--consumer.config', file(SOURCE), '--producer.config', file(`${TARGET}enable.idempotence=false\n`), '--include', 'a'], /idempotent/],
    ['a bad consumer value', () => ['--consumer.config', file(`${SOURCE}max.poll.records=0\n`), '--producer.config', file(TARGET), '--include', 'a'], /max.poll.records/],
    ['an unknown MM2 key', () => [...base(), '--include', 'a', '--mm2-property', 'emit.checkpoint.enabled=true'], /Unknown MirrorMaker configuration/],
    ['a missing file', () => ['--consumer.config', '/nonexistent/x.properties', '--producer.config', file(TARGET), '--include', 'a'], /nonexistent/],
    ['an unknown flag', () => [...base(), '--include', 'a', '--message.handler', 'x'], /unknown option/],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what} with one clear line and exit code 1`, () => {
      const { result, err } = parse(args());
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.exitCode).to.equal(1);
      expect(err).to.match(message);
      expect(err).to.match(/Try 'samsa-mirror-maker --help'/);
    });
  }

  it('prints help and the version with exit code 0', () => {
    const help = parse(['--help']);
    expect(help.result.ok).to.equal(false);
    if (!help.result.ok) expect(help.result.exitCode).to.equal(0);
    expect(help.out).to.match(/--consumer.config/).and.match(/--include/).and.match(/--mm2.config/);
    const version = parse(['--version']);
    if (!version.result.ok) expect(version.result.exitCode).to.equal(0);
    expect(version.out).to.match(/\d+\.\d+/);
  });
});
