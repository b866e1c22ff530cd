import { expect } from 'chai';
import { main } from '../../lib/cli/topics';
import { effectiveMinInsyncReplicas } from '../../lib/cli/topic-admin-backend';
import { CapturedIo, captureIo } from './capture-io';
import { MemoryTopicBackend } from './memory-topic-backend';

const BOOTSTRAP = ['--bootstrap-server', 'localhost:9092'];

async function describe_(argv: string[], backend: MemoryTopicBackend): Promise<{ code: number; io: CapturedIo }> {
  const io = captureIo();
  const code = await main(['--describe', ...argv], io, { openBackend: async () => backend });
  return { code, io };
}

/**
 * Topic `t` (min.insync.replicas=2): partition 0 healthy, 1 at the minimum, 2 below it, 3 leaderless.
 * Topic `u` (cluster default min ISR): partition 0 healthy, 1 with a single in-sync replica.
 */
function cluster(): MemoryTopicBackend {
  return new MemoryTopicBackend([1, 2, 3])
    .add('t', [[1, [1, 2, 3], [1, 2, 3]], [2, [2, 3, 1], [2, 3]], [3, [3, 1, 2], [3]], [-1, [1, 2, 3], [1]]], { 'min.insync.replicas': '2' })
    .add('u', [[1, [1, 2], [1, 2]], [2, [2, 1], [2]]]);
}

const line = (topic: string, p: number, leader: string, replicas: string, isr: string): string =>
  `\tTopic: ${topic}\tPartition: ${p}\tLeader: ${leader}\tReplicas: ${replicas}\tIsr: ${isr}`;

describe('cli/topics partition reports', () => {
  it('--under-min-isr-partitions prints leaderless partitions and those below the topic\'s minimum, without topic lines', async () => {
    const { code, io } = await describe_([...BOOTSTRAP, '--under-min-isr-partitions'], cluster());
    expect(code, io.stderrText()).to.equal(0);
    expect(io.stdoutText()).to.equal([line('t', 2, '3', '3,1,2', '3'), line('t', 3, 'none', '1,2,3', '1')].join('\n') + '\n');
  });

  it('--at-min-isr-partitions prints partitions whose ISR equals the minimum in force (override or cluster default)', async () => {
    const backend = cluster();
    const { code, io } = await describe_([...BOOTSTRAP, '--at-min-isr-partitions'], backend);
    expect(code, io.stderrText()).to.equal(0);
    expect(io.stdoutText()).to.equal([line('t', 1, '2', '2,3,1', '2,3'), line('u', 1, '2', '2,1', '2')].join('\n') + '\n');
    backend.defaultMinInsyncReplicas = 2;
    const raised = await describe_([...BOOTSTRAP, '--at-min-isr-partitions', '--topic', 'u'], backend);
    expect(raised.io.stdoutText()).to.equal(line('u', 0, '1', '1,2', '1,2') + '\n');
  });

  it('--under-replicated-partitions and --unavailable-partitions keep Kafka\'s meaning', async () => {
    const under = await describe_([...BOOTSTRAP, '--under-replicated-partitions', '--topic', 't'], cluster());
    expect(under.io.stdoutText().trimEnd().split('\n').map((l) => l.split('\t')[2])).to.deep.equal(['Partition: 1', 'Partition: 2', 'Partition: 3']);
    const unavailable = await describe_([...BOOTSTRAP, '--unavailable-partitions'], cluster());
    expect(unavailable.io.stdoutText()).to.equal(line('t', 3, 'none', '1,2,3', '1') + '\n');
  });

  it('prints nothing when no partition matches', async () => {
    const healthy = new MemoryTopicBackend().add('ok', [[1, [1, 2], [1, 2]]], { 'min.insync.replicas': '1' });
    const { code, io } = await describe_([...BOOTSTRAP, '--under-min-isr-partitions'], healthy);
    expect(code).to.equal(0);
    expect(io.stdoutText()).to.equal('');
  });

  it('accepts only one report option at a time, with Kafka\'s message', async () => {
    const { code, io } = await describe_([...BOOTSTRAP, '--under-replicated-partitions', '--at-min-isr-partitions'], cluster());
    expect(code).to.equal(1);
    expect(io.stderrText()).to.contain('Option "[under-replicated-partitions]" can\'t be used with option "[at-min-isr-partitions]"');
    const minIsr = await describe_([...BOOTSTRAP, '--under-min-isr-partitions', '--unavailable-partitions'], cluster());
    expect(minIsr.io.stderrText()).to.contain('Option "[under-min-isr-partitions]" can\'t be used with option "[unavailable-partitions]"');
  });

  it('refuses the min-ISR reports with --zookeeper, which cannot see the cluster default, and outside --describe', async () => {
    const zk = await describe_(['--zookeeper', 'localhost:2181', '--under-min-isr-partitions'], cluster());
    expect(zk.code).to.equal(1);
    expect(zk.io.stderrText()).to.contain('Option "[under-min-isr-partitions]" can\'t be used with option "[zookeeper]"');
    const io = captureIo();
    const code = await main([...BOOTSTRAP, '--list', '--at-min-isr-partitions'], io, { openBackend: async () => cluster() });
    expect(code).to.equal(1);
    expect(io.stderrText()).to.contain('Option "[at-min-isr-partitions]" can\'t be used with option "[list]"');
  });

  it('takes min.insync.replicas from the topic override, else Kafka\'s default of 1', () => {
    expect(effectiveMinInsyncReplicas({ 'min.insync.replicas': '3' })).to.equal(3);
    expect(effectiveMinInsyncReplicas({})).to.equal(1);
    expect(effectiveMinInsyncReplicas({}, 2)).to.equal(2);
  });
});
