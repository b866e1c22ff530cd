/**
 * The published side of the chaos suite: result files under chaos/results/ and the results table
 * in docs/reliability.md, regenerated between its markers from the newest result of each scenario.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ScenarioResult } from './scenario-main';

export const TABLE_START = '<!-- chaos-results:start -->';
export const TABLE_END = '<!-- chaos-results:end -->';

export function resultFileName(result: Pick<ScenarioResult, 'scenario' | 'startedAt'>): string {
  return `${result.startedAt.slice(0, 10)}-${result.scenario}.json`;
}

/** The newest result per scenario in `dir`, in the order given. */
export function latestResults(dir: string, order: readonly string[]): ScenarioResult[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const newest = new Map<string, ScenarioResult>();
  for (const f of files) {
    const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ScenarioResult;
    const prev = newest.get(r.scenario);
    if (!prev || prev.startedAt < r.startedAt) newest.set(r.scenario, r);
  }
  return order.flatMap((name) => newest.get(name) ?? []);
}

export function resultsTable(results: readonly ScenarioResult[]): string {
  const rows = [
    '| Scenario | Run (UTC) | Seed | Fault held (s) | Acknowledged | Lost | Wrong offset | Duplicated | Reordered | Recovery (s) | acks=1 acknowledged / lost | Result |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const c = r.report;
    const problems = [...c.violations, ...r.scenarioViolations];
    rows.push(`| \`${r.scenario}\` | ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.seed} | ${r.holdSeconds} | ${c.acknowledged} | ${c.lost} | `
      + `${c.wrongOffset} | ${c.duplicated} | ${c.reordered} | ${c.recoverySeconds ?? 'never'} | ${c.control.acknowledged} / ${c.control.lost} | `
      + `${problems.length === 0 ? 'pass' : `FAIL: ${problems.join('; ').replace(/\|/g, '/')}`} |`);
  }
  return rows.join('\n');
}

/** Replaces the text between the markers; false when the document has no markers. */
export function regenerateTable(docFile: string, table: string): boolean {
  const doc = fs.readFileSync(docFile, 'utf8');
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) return false;
  fs.writeFileSync(docFile, `${doc.slice(0, start + TABLE_START.length)}\n${table}\n${doc.slice(end)}`);
  return true;
}
