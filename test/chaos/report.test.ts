import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../chaos/checker';
import { latestResults, regenerateTable, resultFileName, resultsTable, TABLE_END, TABLE_START } from '../../chaos/report';
import type { ScenarioResult } from '../../chaos/scenario-main';

function result(scenario: string, startedAt: string, lost = 0): ScenarioResult {
  const report = check({
    acks: lost > 0 ? [{ t: 1, w: 'a', n: 0, p: 0, o: 0 }] : [], sendErrors: [], consumed: [], finalLog: new Map([[0, []]]),
    control: { acks: [], sendErrors: [], finalLog: new Map() }, finalPartitions: [], minInsyncReplicas: 2, healedAt: null,
  });
  return {
    scenario, seed: 1, holdSeconds: 30, startedAt, finishedAt: startedAt, ok: report.violations.length === 0,
    report, scenarioViolations: [], marks: {}, timeline: [], settings: {},
  };
}

describe('chaos results and the reliability table', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-report-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the newest result per scenario, in the given order, and marks failures', () => {
    for (const r of [result('b', '2026-01-01T00:00:00Z'), result('a', '2026-01-01T00:00:00Z', 1), result('a', '2026-01-02T00:00:00Z')]) {
      fs.writeFileSync(path.join(dir, `${r.startedAt}-${r.scenario}.json`), JSON.stringify(r));
    }
    const latest = latestResults(dir, ['a', 'b', 'c']);
    expect(latest.map((r) => [r.scenario, r.startedAt])).to.deep.equal([['a', '2026-01-02T00:00:00Z'], ['b', '2026-01-01T00:00:00Z']]);
    expect(resultFileName(latest[0])).to.equal('2026-01-02-a.json');
    const failing = resultsTable([result('x', '2026-01-01T00:00:00Z', 1)]);
    expect(failing).to.contain('| `x` |').and.to.contain('FAIL: 1 acknowledged record(s) lost');
  });

  it('replaces only the text between the markers', () => {
    const doc = path.join(dir, 'doc.md');
    fs.writeFileSync(doc, `before\n${TABLE_START}\nold\n${TABLE_END}\nafter\n`);
    expect(regenerateTable(doc, '| new |')).to.equal(true);
    expect(fs.readFileSync(doc, 'utf8')).to.equal(`before\n${TABLE_START}\n| new |\n${TABLE_END}\nafter\n`);
    fs.writeFileSync(doc, 'no markers\n');
    expect(regenerateTable(doc, '| new |')).to.equal(false);
  });
});
