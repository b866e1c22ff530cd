import { expect } from 'chai';
import { PeerRow } from '../../bench/peers/report';
import { escapeXml, logDomain, peersChartSvg, shortRate } from '../../bench/peers/svg-chart';

const rows: PeerRow[] = [
  { system: 'Samsa', produce: 500_000, consume: 1_000_000, durability: '', notes: '', baseline: true },
  { system: 'R&D <peer>', produce: 50_000, consume: null, durability: '', notes: '' },
  { system: 'Gone', produce: null, consume: null, durability: '', notes: '', skipped: 'skipped (not installed: apt-get install -y gone)' },
];

/** Widths of the bars (which start at the label column's edge, unlike the legend's swatches). */
function bars(svg: string): number[] {
  return [...svg.matchAll(/<rect x="300" y="[\d.]+" width="([\d.]+)" height="12"/g)].map((m) => Number(m[1]));
}

describe('bench/peers/svg-chart', () => {
  it('writes well-formed SVG with one group per system', () => {
    const svg = peersChartSvg(rows, 'Side by side');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    expect(svg).to.contain('>Samsa</text>');
    expect(svg).to.contain('R&amp;D &lt;peer&gt;');
    expect(svg).to.contain('skipped (not installed: apt-get install -y gone)');
    expect(svg).to.contain('no consume figure');
    expect((svg.match(/<text/g) ?? []).length).to.equal((svg.match(/<\/text>/g) ?? []).length);
  });

  it('draws bar lengths on a log scale: each decade the same length', () => {
    const decades: PeerRow[] = [
      { system: 'a', produce: 10_000, consume: 100_000, durability: '', notes: '' },
      { system: 'b', produce: 1_000_000, consume: null, durability: '', notes: '' },
    ];
    // The domain is 10^4..10^6 over the 420-pixel plot: 10^4 is the 1-pixel minimum, 10^5 half-way.
    expect(bars(peersChartSvg(decades, 't'))).to.deep.equal([1, 210, 420]);
  });

  it('spans whole decades around the values', () => {
    expect(logDomain([50_000, 1_000_000])).to.deep.equal({ lo: 4, hi: 6 });
    expect(logDomain([300_000])).to.deep.equal({ lo: 5, hi: 6 });
    expect(logDomain([])).to.deep.equal({ lo: 3, hi: 6 });
  });

  it('labels rates briefly and escapes XML', () => {
    expect(shortRate(1_234_567)).to.equal('1.23M');
    expect(shortRate(24_923_000)).to.equal('25M');
    expect(shortRate(45_600)).to.equal('46k');
    expect(shortRate(999)).to.equal('999');
    expect(escapeXml('a<b>&"c"')).to.equal('a&lt;b&gt;&amp;&quot;c&quot;');
  });
});
