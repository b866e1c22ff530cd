import { expect } from 'chai';
import { buildTree, CpuProfile, renderSvg, selfTimeTable } from '../../bench/flamegraph';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// root → main → (encode, write); main also has self samples; GC hangs off the root as V8 puts it.
const profile: CpuProfile = {
  startTime: 0,
  endTime: 1000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('main', 'file:///x/dist/lib/cli/tool.js', 9), children: [3, 4] },
    { id: 3, callFrame: frame('encode', 'file:///x/dist/lib/record/batch.js', 19) },
    { id: 4, callFrame: frame('write', 'node:net', 4) },
    { id: 5, callFrame: frame('(garbage collector)') },
  ],
  samples: [2, 3, 3, 3, 4, 5, 5, 3],
};

describe('bench/flamegraph', () => {
  it('sums samples up the call tree', () => {
    const root = buildTree(profile);
    expect(root.total).to.equal(8);
    const main = root.children.find((c) => c.name.startsWith('main'))!;
    expect(main.name).to.equal('main lib/cli/tool.js:10');
    expect(main.self).to.equal(1);
    expect(main.total).to.equal(6);
  });

  it('ranks functions by self time', () => {
    const rows = selfTimeTable(buildTree(profile), 2);
    expect(rows.map((r) => [r.name, r.selfSamples])).to.deep.equal([['encode lib/record/batch.js:20', 4], ['(garbage collector)', 2]]);
    expect(rows[0].share).to.equal(0.5);
  });

  it('draws one rectangle per visible frame, widths proportional to samples, names escaped', () => {
    const svg = renderSvg(buildTree({ ...profile, nodes: profile.nodes.map((n) => n.id === 4 ? { ...n, callFrame: frame('a<b>&c') } : n) }), 'tool <run>');
    expect(svg).to.match(/^<svg /);
    expect(svg.match(/<rect /g)).to.have.length(5);
    expect(svg).to.include('tool &lt;run&gt; (8 samples)');
    expect(svg).to.include('a&lt;b&gt;&amp;c');
    // encode has 4 of 8 samples: half the 1200-pixel width.
    expect(svg).to.match(/<title>encode lib\/record\/batch\.js:20 \(4 samples, 50\.0%\)<\/title><rect x="[\d.]+" y="\d+" width="600\.0"/);
  });

  it('reads hitCount when the profile has no sample list', () => {
    const root = buildTree({ startTime: 0, endTime: 1, nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      { id: 2, callFrame: frame('f'), hitCount: 3 },
    ] });
    expect(root.total).to.equal(3);
  });
});
