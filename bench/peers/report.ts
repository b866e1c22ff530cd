/**
 * The side-by-side table: one row per system, records/s in each direction, its ratio to Samsa's
 * perf tools (the row marked `baseline`), the durability each figure was measured with, and notes.
 * Rendered as aligned text for the console and as markdown for docs/performance.md. Pure.
 */

export interface PeerRow {
  system: string;
  /** records/s, null when not measured (failed, skipped, or no such direction). */
  produce: number | null;
  consume: number | null;
  /** What an acknowledged record survives, in words (page cache, fsync each second, ...). */
  durability: string;
  notes: string;
  /** The row the others are divided by. */
  baseline?: boolean;
  /** Why it was not measured: "not installed: apt-get install -y X", or the error. */
  skipped?: string;
}

export const TABLE_HEADER = ['system', 'produce rec/s', '× Samsa', 'consume rec/s', '× Samsa', 'durability', 'notes'];

export function formatRate(value: number | null): string {
  return value === null ? '—' : Math.round(value).toLocaleString('en-US');
}

/** `value / base` as `0.52×`, two significant decimals below 10, none above; `—` when either is missing. */
export function formatRatio(value: number | null, base: number | null): string {
  if (value === null || base === null || base <= 0) return '—';
  const r = value / base;
  return r >= 10 ? `${Math.round(r)}×` : `${r.toFixed(2)}×`;
}

/** One line, at most `max` characters: an error's log tail must not break a table row. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function tableCells(rows: PeerRow[]): string[][] {
  const base = rows.find((r) => r.baseline && !r.skipped);
  const cells = rows.map((r) => r.skipped
    ? [r.system, 'skipped', '', '', '', r.durability, oneLine(r.skipped)]
    : [r.system, formatRate(r.produce), formatRatio(r.produce, base?.produce ?? null),
      formatRate(r.consume), formatRatio(r.consume, base?.consume ?? null), r.durability, oneLine(r.notes, 400)]);
  return [TABLE_HEADER, ...cells];
}

/** Columns padded to their widest cell; `numericColumns` right-aligned (the side-by-side table's figures by default). */
export function textTable(cells: string[][], numericColumns: number[] = [1, 2, 3, 4]): string {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => [...row[c]].length)));
  const numeric = (c: number): boolean => numericColumns.includes(c);
  return cells.map((row, i) => {
    const line = row.map((cell, c) => {
      const pad = ' '.repeat(widths[c] - [...cell].length);
      return numeric(c) && i > 0 ? pad + cell : cell + pad;
    }).join('  ').trimEnd();
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(cells: string[][]): string {
  const [header, ...rows] = cells;
  const align = header.map((_, c) => (c >= 1 && c <= 4 ? '---:' : '---'));
  return [header, align, ...rows].map((row) => `| ${row.map(escapeCell).join(' | ')} |`).join('\n');
}
