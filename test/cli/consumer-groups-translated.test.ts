import { expect } from 'chai';
import { planReset, ResetBackend } from '../../lib/cli/consumer-groups-reset';
import { parseConsumerGroupsArgs } from '../../lib/cli/consumer-groups-options';
import { captureIo } from './capture-io';

function backend(checkpoints: Array<{ topic: string; partition: number; downstreamOffset: number }>, latest = 1000): ResetBackend & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    listConsumerGroupOffsets: async () => [],
    describeTopics: async (names) => names.map((name) => ({ name, partitions: [{ partition: 0 }, { partition: 1 }, { partition: 2 }] })),
    listOffsets: async (_t, _p, spec) => (spec === 'earliest' ? 0 : latest),
    translatedOffsets: async (group, topic) => {
      asked.push([group, topic]);
      return checkpoints;
    },
  };
}

describe('cli/consumer-groups --reset-offsets --to-translated', () => {
  it('parses --to-translated with an optional --checkpoints-topic', () => {
    const io = captureIo();
    const parsed = parseConsumerGroupsArgs(['--bootstrap-server', 'h:1', '--group', 'g', '--reset-offsets', '--to-translated', '--checkpoints-topic', 'east.checkpoints.internal', '--all-topics'], io);
    expect(parsed.ok).to.equal(true);
    if (parsed.ok) expect(parsed.options.scenario).to.deep.equal({ kind: 'to-translated', checkpointsTopic: 'east.checkpoints.internal' });
    const bad = parseConsumerGroupsArgs(['--bootstrap-server', 'h:1', '--group', 'g', '--reset-offsets', '--to-earliest', '--checkpoints-topic', 'x', '--all-topics'], captureIo());
    expect(bad.ok).to.equal(false);
    const both = captureIo();
    expect(parseConsumerGroupsArgs(['--bootstrap-server', 'h:1', '--group', 'g', '--reset-offsets', '--to-translated', '--to-earliest', '--all-topics'], both).ok).to.equal(false);
    expect(both.stderrText()).to.match(/can't be used with/);
  });

  it('moves every checkpointed partition (--all-topics) to its downstream offset, clamped to the log', async () => {
    const b = backend([{ topic: 'east.orders', partition: 0, downstreamOffset: 40 }, { topic: 'east.orders', partition: 1, downstreamOffset: 5000 }]);
    const warnings: string[] = [];
    const rows = await planReset(b, { group: 'g', topics: [], allTopics: true, scenario: { kind: 'to-translated', checkpointsTopic: null }, warn: (t) => warnings.push(t) });
    expect(rows).to.deep.equal([
      { group: 'g', topic: 'east.orders', partition: 0, offset: 40 },
      { group: 'g', topic: 'east.orders', partition: 1, offset: 1000 },
    ]);
    expect(b.asked).to.deep.equal([['g', null]]);
    expect(warnings.join()).to.match(/higher than latest/);
  });

  it('with --topic, leaves partitions without a checkpoint unchanged and says so', async () => {
    const b = backend([{ topic: 'orders', partition: 2, downstreamOffset: 7 }]);
    const warnings: string[] = [];
    const rows = await planReset(b, {
      group: 'g', topics: [{ topic: 'orders', partitions: null }], allTopics: false, scenario: { kind: 'to-translated', checkpointsTopic: null }, warn: (t) => warnings.push(t),
    });
    expect(rows).to.deep.equal([{ group: 'g', topic: 'orders', partition: 2, offset: 7 }]);
    expect(warnings.filter((w) => /No checkpoint of group g for partition orders-[01]/.test(w))).to.have.length(2);
  });
});
