/**
 * docs/performance-peers.svg: the side-by-side table as a horizontal bar chart, two bars per system
 * (produce, consume), written as plain SVG text so the docs need no charting dependency. The axis
 * is logarithmic: the machine's limits run tens of times faster than any broker, and a linear axis
 * would flatten every broker into a sliver. Pure; unit tested (test/bench/svg-chart.test.ts).
 */
import { PeerRow } from './report';

const LABEL_WIDTH = 300;
const PLOT_WIDTH = 420;
const VALUE_WIDTH = 80;
const WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
const BAR_HEIGHT = 12;
const GROUP_HEIGHT = 2 * BAR_HEIGHT + 4 + 14;
const TOP = 56;
const COLORS = { produce: '#4e79a7', consume: '#59a14f' } as const;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1.23M, 456k, 789: short labels for bars and ticks. */
export function shortRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e7 ? 0 : 2)}M`;
  if (value >= 1e3) return `${Math.round(value / 1e3)}k`;
  return String(Math.round(value));
}

/** The decades [10^lo, 10^hi] that hold every value (at least one decade). */
export function logDomain(values: number[]): { lo: number; hi: number } {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { lo: 3, hi: 6 };
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive))));
  return { lo, hi };
}

export function peersChartSvg(rows: PeerRow[], title: string): string {
  const values = rows.flatMap((r) => (r.skipped ? [] : [r.produce, r.consume])).filter((v): v is number => v !== null);
  const { lo, hi } = logDomain(values);
  const x = (v: number): number => (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo) * PLOT_WIDTH;
  const height = TOP + rows.length * GROUP_HEIGHT + 30;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="10" y="32" width="12" height="12" fill="${COLORS.produce}"/><text x="26" y="42">produce</text>`,
    `<rect x="90" y="32" width="12" height="12" fill="${COLORS.consume}"/><text x="106" y="42">consume</text>`,
    `<text x="${LABEL_WIDTH}" y="42" fill="#555">records/s, log scale</text>`,
  ];
  const bottom = height - 24;
  for (let d = lo; d <= hi; d++) {
    const gx = (LABEL_WIDTH + x(10 ** d)).toFixed(1);
    out.push(`<line x1="${gx}" y1="${TOP - 6}" x2="${gx}" y2="${bottom}" stroke="#dddddd"/>`);
    out.push(`<text x="${gx}" y="${bottom + 14}" text-anchor="middle" fill="#555">${shortRate(10 ** d).replace('.00', '')}</text>`);
  }
  rows.forEach((row, i) => {
    const y = TOP + i * GROUP_HEIGHT;
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT + 3}" text-anchor="end">${escapeXml(row.system)}</text>`);
    if (row.skipped) {
      out.push(`<text x="${LABEL_WIDTH + 4}" y="${y + BAR_HEIGHT + 3}" fill="#888">${escapeXml(row.skipped)}</text>`);
      return;
    }
    (['produce', 'consume'] as const).forEach((direction, j) => {
      const value = row[direction];
      const by = y + j * (BAR_HEIGHT + 2);
      if (value === null) {
        out.push(`<text x="${LABEL_WIDTH + 4}" y="${by + BAR_HEIGHT - 2}" fill="#888" font-size="10">no ${direction} figure</text>`);
        return;
      }
      const w = Math.max(1, x(value));
      out.push(`<rect x="${LABEL_WIDTH}" y="${by}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[direction]}"/>`);
      out.push(`<text x="${(LABEL_WIDTH + w + 4).toFixed(1)}" y="${by + BAR_HEIGHT - 2}" font-size="10">${shortRate(value)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
