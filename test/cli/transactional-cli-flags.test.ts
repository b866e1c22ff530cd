import { expect } from 'chai';
import { main as consumerMain, parseConsoleConsumerArgs } from '../../lib/cli/console-consumer';
import { LineBatcher } from '../../lib/cli/console-producer-transactions';
import { main as perfMain, parseProducerPerfArgs } from '../../lib/cli/producer-perf-test';
import { captureIo } from './capture-io';

const BOOTSTRAP = ['--bootstrap-server', 'localhost:9092'];

function consumerProps(args: string[]): Record<string, string> {
  const r = parseConsoleConsumerArgs([...BOOTSTRAP, '--topic', 't', ...args], captureIo());
  if (!r.ok) throw new Error('parse failed');
  return r.options.consumerProps;
}

function perfProps(args: string[]): Record<string, string> {
  const r = parseProducerPerfArgs(['--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--producer-props', 'bootstrap.servers=localhost:9092', ...args], captureIo());
  if (!r.ok) throw new Error('parse failed');
  return r.options.producerProps;
}

describe('cli transactional flags', () => {
  describe('samsa-console-consumer --isolation-level', () => {
    it('sets isolation.level, overriding --consumer-property only when given', () => {
      expect(consumerProps(['--isolation-level', 'read_committed'])['isolation.level']).to.equal('read_committed');
      expect(consumerProps(['--consumer-property', 'isolation.level=read_committed'])['isolation.level']).to.equal('read_committed');
      expect(consumerProps(['--consumer-property', 'isolation.level=read_committed', '--isolation-level', 'read_uncommitted'])['isolation.level']).to.equal('read_uncommitted');
      expect(consumerProps([])['isolation.level']).to.equal(undefined);
    });

    it('refuses an unknown level with a usage error', async () => {
      const io = captureIo();
      expect(await consumerMain([...BOOTSTRAP, '--topic', 't', '--isolation-level', 'committed'], io)).to.equal(1);
      expect(io.stderrText()).to.match(/^Error: Invalid value committed for --isolation-level: expected read_committed or read_uncommitted\nTry 'samsa-console-consumer --help'/);
    });
  });

  describe('samsa-console-producer line batches', () => {
    it('makes each read\'s complete lines one batch and carries a partial line to the next read', () => {
      const b = new LineBatcher();
      expect(b.push('a\nb\r\nc')).to.deep.equal(['a', 'b']);
      expect(b.push('d\n\ne\n')).to.deep.equal(['cd', '', 'e']);
      expect(b.push('tail')).to.deep.equal([]);
      expect(b.end()).to.deep.equal(['tail']);
      expect(b.end()).to.deep.equal([]);
    });

    it('does not split a UTF-8 character cut between two reads', () => {
      const b = new LineBatcher();
      const bytes = Buffer.from('é\n', 'utf8');
      expect(b.push(bytes.subarray(0, 1))).to.deep.equal([]);
      expect(b.push(bytes.subarray(1))).to.deep.equal(['é']);
    });
  });

  describe('samsa-producer-perf-test --transactional-id / --transaction-duration-ms', () => {
    it('enables transactions only for a positive duration, with Kafka\'s default transactional id', () => {
      expect(perfProps([])['transactional.id']).to.equal(undefined);
      expect(perfProps(['--transactional-id', 'x'])['transactional.id']).to.equal(undefined);
      expect(perfProps(['--transaction-duration-ms', '100'])['transactional.id']).to.equal('performance-producer-default-transactional-id');
      expect(perfProps(['--transaction-duration-ms', '100', '--transactional-id', 'perf-tx'])['transactional.id']).to.equal('perf-tx');
    });

    it('refuses a negative or non-numeric duration', async () => {
      const io = captureIo();
      const code = await perfMain(['--topic', 't', '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--producer-props', 'bootstrap.servers=localhost:9092',
        '--transaction-duration-ms', '-5'], io);
      expect(code).to.equal(1);
      expect(io.stderrText()).to.match(/--transaction-duration-ms.*Must be at least 0/);
    });
  });
});
