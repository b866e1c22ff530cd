import { expect } from 'chai';
import { AckLine, check, CheckInput, ConsumedLine, LogEntry, parseValue } from '../../chaos/checker';

const healthy = [0, 1].map((partition) => ({ partition, leader: 1, isr: [1, 2, 3], leaderEpoch: 0 }));

function input(over: Partial<CheckInput>): CheckInput {
  return {
    acks: [], sendErrors: [], consumed: [], finalLog: new Map(),
    control: { acks: [], sendErrors: [], finalLog: new Map() },
    finalPartitions: healthy, minInsyncReplicas: 2, healedAt: null, ...over,
  };
}

const ack = (w: string, n: number, p: number, o: number, t = 1000): AckLine => ({ t, w, n, p, o });
const log = (...entries: Array<[number, string]>): LogEntry[] => entries.map(([o, v]) => ({ o, v }));

describe('chaos checker', () => {
  it('a clean history has no violations', () => {
    const r = check(input({
      acks: [ack('a', 0, 0, 0), ack('a', 1, 0, 1), ack('b', 0, 1, 0)],
      finalLog: new Map([[0, log([0, 'a:0'], [1, 'a:1'])], [1, log([0, 'b:0'])]]),
    }));
    expect(r.acknowledged).to.equal(3);
    expect(r.violations).to.deep.equal([]);
    expect(r.lost + r.wrongOffset + r.duplicated + r.reordered + r.conflictingAcks).to.equal(0);
  });

  it('counts lost, wrong-offset, duplicated and reordered records', () => {
    const r = check(input({
      acks: [ack('a', 0, 0, 0), ack('a', 1, 0, 1), ack('a', 2, 0, 2), ack('a', 3, 0, 3)],
      // a:1 lost; a:3 at offset 2 instead of 3 and duplicated at 4; a:2 at 3 after a:3 (wrong offset, reordered)
      finalLog: new Map([[0, log([0, 'a:0'], [2, 'a:3'], [3, 'a:2'], [4, 'a:3'])], [1, []]]),
    }));
    expect(r.lost).to.equal(1);
    expect(r.examples.lost).to.deep.equal(['a:1 acked at 0/1']);
    expect(r.wrongOffset).to.equal(2); // a:3 at 2 (acked at 3), a:2 at 3 (acked at 2)
    expect(r.duplicated).to.equal(1);
    expect(r.reordered).to.equal(1);
    expect(r.violations).to.have.length(4);
  });

  it('flags one offset acknowledged to two records (two leaders accepting writes)', () => {
    const r = check(input({
      acks: [ack('a', 0, 0, 5), ack('b', 0, 0, 5)],
      finalLog: new Map([[0, log([5, 'a:0'])], [1, []]]),
    }));
    expect(r.conflictingAcks).to.equal(1);
    expect(r.lost).to.equal(1);
  });

  it('checks group reads: unacknowledged, phantom (not in the log) and repeated within a generation', () => {
    const consumed: ConsumedLine[] = [
      { t: 1, m: 'm0', g: 1, p: 0, o: 0, v: 'a:0' },
      { t: 2, m: 'm0', g: 1, p: 0, o: 0, v: 'a:0' },
      { t: 3, m: 'm0', g: 2, p: 0, o: 0, v: 'a:0' },
      { t: 4, m: 'm1', g: 1, p: 0, o: 1, v: 'a:1' },
      { t: 5, m: 'm1', g: 1, p: 0, o: 2, v: 'a:9' },
    ];
    const r = check(input({ acks: [ack('a', 0, 0, 0)], consumed, finalLog: new Map([[0, log([0, 'a:0'], [1, 'a:1'])], [1, []]]) }));
    expect(r.consumedTwiceInGeneration).to.equal(1);
    expect(r.readNotAcknowledged).to.equal(2);
    expect(r.readNotInLog).to.equal(1);
  });

  it('measures recovery as the slowest partition\'s first acknowledgement after the heal', () => {
    const r = check(input({
      acks: [ack('a', 0, 0, 0, 500), ack('a', 1, 0, 1, 1500), ack('a', 2, 1, 0, 4200), ack('a', 3, 1, 1, 5000)],
      finalLog: new Map([[0, log([0, 'a:0'], [1, 'a:1'])], [1, log([0, 'a:2'], [1, 'a:3'])]]),
      healedAt: 1000,
    }));
    expect(r.recoverySeconds).to.equal(3.2);
    const never = check(input({ acks: [ack('a', 0, 0, 0, 1500)], finalLog: new Map([[0, log([0, 'a:0'])], [1, []]]), healedAt: 1000 }));
    expect(never.recoverySeconds).to.equal(null);
    expect(never.violations).to.include('some partition never accepted a write after healing');
  });

  it('reports unhealthy partitions and the acks=1 control\'s losses apart from the checked figures', () => {
    const r = check(input({
      finalPartitions: [{ partition: 0, leader: -1, isr: [2], leaderEpoch: 3 }, { partition: 1, leader: 2, isr: [2], leaderEpoch: 1 }],
      control: { acks: [ack('c', 0, 0, 0), ack('c', 1, 0, 1)], sendErrors: [{ t: 1, w: 'c', n: 2, e: 'x' }], finalLog: new Map([[0, log([0, 'c:0'])]]) },
    }));
    expect(r.unhealthyPartitions).to.deep.equal([0, 1]);
    expect(r.control).to.deep.equal({ acknowledged: 2, lost: 1, sendErrors: 1 });
    expect(r.lost).to.equal(0);
  });

  it('parses record values', () => {
    expect(parseValue('idem-0:42')).to.deep.equal({ w: 'idem-0', n: 42 });
    expect(parseValue('nonsense')).to.equal(null);
  });
});
