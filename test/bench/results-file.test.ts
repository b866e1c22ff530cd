import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { machineInfo, mergeResults, resultsDate, writeResults } from '../../bench/peers/results-file';

describe('bench/peers/results-file', () => {
  it('merges objects key by key and replaces everything else', () => {
    const merged = mergeResults(
      { machine: { cores: 2, node: 'v20.1' }, peers: { rows: [1, 2], records: 10 }, versions: { redis: '7' } },
      { machine: { node: 'v20.2' }, targets: { rows: [3] }, peers: { rows: [9] } },
    );
    expect(merged).to.deep.equal({
      machine: { cores: 2, node: 'v20.2' }, peers: { rows: [9], records: 10 }, versions: { redis: '7' }, targets: { rows: [3] },
    });
  });

  it('names the file by the UTC date', () => {
    expect(resultsDate(new Date('2026-12-03T23:59:59Z'))).to.equal('2026-12-03');
  });

  it('keeps what another bench wrote to the same day\'s file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-results-'));
    try {
      const now = new Date('2026-12-03T12:00:00Z');
      writeResults(dir, now, { peers: { records: 1 } });
      const file = writeResults(dir, now, { targets: { records: 2 } });
      expect(path.basename(file)).to.equal('2026-12-03.json');
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).to.deep.equal({ peers: { records: 1 }, targets: { records: 2 } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes the machine', () => {
    const m = machineInfo();
    expect(m.cores).to.be.greaterThan(0);
    expect(m.node).to.equal(process.version);
    expect(m.cpuModel).to.be.a('string').and.not.equal('');
  });
});
