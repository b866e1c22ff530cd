import { expect } from 'chai';
import { formatRate, formatRatio, markdownTable, oneLine, PeerRow, tableCells, TABLE_HEADER, textTable } from '../../bench/peers/report';

const rows: PeerRow[] = [
  { system: 'Samsa', produce: 500_000, consume: 1_000_000, durability: 'page cache', notes: 'tools', baseline: true },
  { system: 'Peer', produce: 250_000, consume: 12_000_000, durability: 'fsync 1 s', notes: 'a | b' },
  { system: 'Missing', produce: null, consume: null, durability: 'memory', notes: '', skipped: 'skipped (not installed: apt-get install -y x)' },
  { system: 'Half', produce: 1_000_000, consume: null, durability: 'disk', notes: 'one way' },
];

describe('bench/peers/report', () => {
  it('formats rates with thousands separators and a dash for none', () => {
    expect(formatRate(1234567.6)).to.equal('1,234,568');
    expect(formatRate(null)).to.equal('—');
  });

  it('formats ratios with two decimals below 10× and none above', () => {
    expect(formatRatio(250_000, 500_000)).to.equal('0.50×');
    expect(formatRatio(12_000_000, 1_000_000)).to.equal('12×');
    expect(formatRatio(null, 1)).to.equal('—');
    expect(formatRatio(1, 0)).to.equal('—');
  });

  it('divides each direction by the baseline row\'s and marks skipped rows', () => {
    const cells = tableCells(rows);
    expect(cells[0]).to.deep.equal(TABLE_HEADER);
    expect(cells[1].slice(1, 5)).to.deep.equal(['500,000', '1.00×', '1,000,000', '1.00×']);
    expect(cells[2].slice(1, 5)).to.deep.equal(['250,000', '0.50×', '12,000,000', '12×']);
    expect(cells[3][1]).to.equal('skipped');
    expect(cells[3][6]).to.equal('skipped (not installed: apt-get install -y x)');
    expect(cells[4].slice(1, 5)).to.deep.equal(['1,000,000', '2.00×', '—', '—']);
  });

  it('has no ratios when the baseline itself was not measured', () => {
    const cells = tableCells([{ ...rows[0], skipped: 'failed' }, rows[1]]);
    expect(cells[2][2]).to.equal('—');
  });

  it('keeps an error\'s log tail on one line', () => {
    expect(oneLine('a\n  b\tc\n')).to.equal('a b c');
    expect(oneLine('x'.repeat(300), 10)).to.equal(`${'x'.repeat(9)}…`);
  });

  it('aligns text columns, figures to the right', () => {
    const lines = textTable(tableCells(rows)).split('\n');
    expect(lines).to.have.length(6);
    expect(lines[1]).to.match(/^-+  -+/);
    const end = lines[0].indexOf('produce rec/s') + 'produce rec/s'.length;
    expect(lines[2].slice(0, end).endsWith('500,000')).to.equal(true);
    expect(lines[3].slice(0, end).endsWith('250,000')).to.equal(true);
  });

  it('renders markdown with right-aligned figures and escaped pipes', () => {
    const md = markdownTable(tableCells(rows)).split('\n');
    expect(md[0]).to.equal(`| ${TABLE_HEADER.join(' | ')} |`);
    expect(md[1]).to.equal('| --- | ---: | ---: | ---: | ---: | --- | --- |');
    expect(md[3]).to.contain('a \\| b');
    expect(md).to.have.length(6);
  });
});
