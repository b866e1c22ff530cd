import { expect } from 'chai';
import { BEGIN_MARKER, END_MARKER, peersSectionMarkdown, replaceMarkedSection } from '../../bench/peers/doc-section';

describe('bench/peers/doc-section', () => {
  it('replaces only the text between the markers', () => {
    const doc = `# Performance\n\nintro\n\n## Side by side\n\nhand-written\n\n${BEGIN_MARKER}\nold table\n${END_MARKER}\n\n## After\n\nkept\n`;
    const out = replaceMarkedSection(doc, '\nnew table\n');
    expect(out).to.equal(`# Performance\n\nintro\n\n## Side by side\n\nhand-written\n\n${BEGIN_MARKER}\nnew table\n${END_MARKER}\n\n## After\n\nkept\n`);
    expect(replaceMarkedSection(out, 'new table')).to.equal(out);
  });

  it('fills empty markers', () => {
    expect(replaceMarkedSection(`a\n${BEGIN_MARKER}\n${END_MARKER}\nb`, 't')).to.equal(`a\n${BEGIN_MARKER}\nt\n${END_MARKER}\nb`);
  });

  it('appends a Side by side section when the doc has no markers', () => {
    expect(replaceMarkedSection('# Performance\n\ntext\n\n', 't')).to.equal(`# Performance\n\ntext\n\n## Side by side\n\n${BEGIN_MARKER}\nt\n${END_MARKER}\n`);
  });

  it('refuses a lone marker, markers out of order, or two sections', () => {
    expect(() => replaceMarkedSection(`x ${BEGIN_MARKER} y`, 't')).to.throw(/once each/);
    expect(() => replaceMarkedSection(`${END_MARKER}\n${BEGIN_MARKER}`, 't')).to.throw(/in that order/);
    expect(() => replaceMarkedSection(`${BEGIN_MARKER}${END_MARKER}${BEGIN_MARKER}${END_MARKER}`, 't')).to.throw(/more than one/);
  });

  it('states the machine, workload and versions above the table and links the chart', () => {
    const md = peersSectionMarkdown('| t |', 'performance-peers.svg', {
      measuredAt: '2026-12-03T12:34:56.000Z',
      machine: { cpuModel: 'AMD EPYC', cores: 2, memoryGiB: 24, node: 'v20.20.2', loadAverage: 0.5 },
      records: 1_000_000, recordSize: 100, versions: { samsa: '0.1.0', redis: '7.0.15' }, note: 'Provisional.',
    });
    expect(md).to.contain('at 2026-12-03 12:34 UTC on AMD EPYC, 2 cores, 24 GiB, Node.js 20.20.2, load average 0.5');
    expect(md).to.contain('1,000,000 records of 100 bytes');
    expect(md).to.contain('Versions: samsa 0.1.0, redis 7.0.15.');
    expect(md).to.contain('**Provisional.**');
    expect(md.indexOf('| t |')).to.be.greaterThan(md.indexOf('Provisional'));
    expect(md.trimEnd().endsWith('(performance-peers.svg)')).to.equal(true);
  });

  it('leaves the note out when there is none', () => {
    const md = peersSectionMarkdown('| t |', 'c.svg', {
      measuredAt: '2026-12-03T12:34:56.000Z', machine: { cpuModel: 'x', cores: 1, memoryGiB: 1, node: 'v20', loadAverage: 0 },
      records: 1, recordSize: 1, versions: {},
    });
    expect(md).not.to.contain('**');
  });
});
