/**
 * `npm run bench -- --peers`: Samsa next to what a user might pick instead, on the same machine in
 * the same run, with the same workload (issue 17's judge). Prints one table, merges the figures
 * into bench/results/<date>.json, and regenerates the marked section of docs/performance.md and
 * docs/performance-peers.svg. A peer that is not installed is skipped with the command that
 * installs it (scripts/install-bench-peers.sh installs them all).
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../../test/helpers/cluster';
import { peersSectionMarkdown, replaceMarkedSection } from './doc-section';
import { measureMachineLimits, measurePeer, PEERS } from './peer-rows';
import { markdownTable, PeerRow, tableCells, textTable } from './report';
import { machineInfo, writeResults } from './results-file';
import { measureSamsa } from './samsa-rows';
import { stopAllOnExit } from './servers';
import { peersChartSvg } from './svg-chart';

const CHART = 'performance-peers.svg';

function ratio(value: number | null, base: number | null | undefined): number | null {
  return value === null || !base ? null : Number((value / base).toFixed(3));
}

function resultRows(rows: PeerRow[]): object[] {
  const base = rows.find((r) => r.baseline && !r.skipped);
  return rows.map((r) => ({ ...r, produceRatio: ratio(r.produce, base?.produce), consumeRatio: ratio(r.consume, base?.consume) }));
}

export async function peersBench(records: number, recordSize: number, section: (title: string) => void): Promise<void> {
  stopAllOnExit();
  const now = new Date();
  const machine = machineInfo();
  const versions: Record<string, string> = {};
  section(`side by side: ${records} records of ${recordSize} B, produce then consume, one process each`);
  console.log('Samsa (perf tools, then kcat on the Kafka listener) ...');
  const samsa = await measureSamsa(records, recordSize);
  Object.assign(versions, samsa.versions);
  const rows = [...samsa.rows];
  for (const spec of PEERS) {
    console.log(`${spec.system} ...`);
    rows.push(await measurePeer(spec, records, recordSize, versions));
  }
  console.log('machine limits ...');
  rows.push(...await measureMachineLimits(records, recordSize));

  const cells = tableCells(rows);
  console.log(`\n${textTable(cells)}\n`);
  if (rows.some((r) => r.skipped?.startsWith('skipped (not installed'))) {
    console.log('Missing peers: bash scripts/install-bench-peers.sh installs them all (Debian).');
  }
  const file = writeResults(path.join(REPO_ROOT, 'bench', 'results'), now, {
    machine, versions: { node: process.version, ...versions },
    peers: { measuredAt: now.toISOString(), machine, records, recordSize, rows: resultRows(rows) },
  });
  const docPath = path.join(REPO_ROOT, 'docs', 'performance.md');
  const generated = peersSectionMarkdown(markdownTable(cells), CHART, {
    measuredAt: now.toISOString(), machine, records, recordSize, versions, note: process.env.BENCH_NOTE,
  });
  fs.writeFileSync(docPath, replaceMarkedSection(fs.readFileSync(docPath, 'utf8'), generated));
  fs.writeFileSync(path.join(REPO_ROOT, 'docs', CHART), peersChartSvg(rows, `Side by side, ${records.toLocaleString('en-US')} records of ${recordSize} B (records/s)`));
  console.log(`Wrote ${path.relative(REPO_ROOT, file)}, docs/performance.md (side-by-side section) and docs/${CHART}.`);
}
