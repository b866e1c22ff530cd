/**
 * Turns a V8 CPU profile (`node --cpu-prof`, also `SAMSA_NODE_OPTS="--cpu-prof"` for bin/ tools)
 * into a flame graph SVG and a self-time table, so docs/performance.md and closing notes can show
 * where the time goes without a browser or a dependency:
 *
 *   node dist/bench/flamegraph.js <in.cpuprofile> <out.svg> [--title text] [--top n]
 *
 * The profile is already a call tree (each node is a call site with its own sample count), so a
 * frame's width is its samples plus its descendants'; the root sits at the bottom as in Brendan
 * Gregg's flame graphs. Frames narrower than MIN_FRAME_PX are dropped from the picture (they would
 * be unreadable) but still count in their parents' widths and in the table.
 */
import * as fs from 'fs';
import * as path from 'path';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[] }

export interface Frame { name: string; self: number; total: number; children: Frame[] }

export interface SelfTimeRow { name: string; selfSamples: number; share: number }

const SVG_WIDTH = 1200;
const FRAME_HEIGHT = 16;
const MIN_FRAME_PX = 0.5;

/** A readable frame name: function, file and line, or V8's pseudo-frames as they are. */
export function frameName(frame: CallFrame): string {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url) return fn;
  const file = frame.url.replace(/^file:\/\//, '');
  const short = file.includes('/dist/') ? file.slice(file.indexOf('/dist/') + 6) : path.basename(file);
  return `${fn} ${short}:${frame.lineNumber + 1}`;
}

/** The call tree with totals; the profile's root node becomes the returned frame. */
export function buildTree(profile: CpuProfile): Frame {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  if (profile.samples !== undefined) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const referenced = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const root = profile.nodes.find((n) => !referenced.has(n.id));
  if (root === undefined) throw new Error('profile has no root node');
  const visit = (node: ProfileNode): Frame => {
    const children = (node.children ?? []).map((id) => byId.get(id)).filter((n): n is ProfileNode => n !== undefined).map(visit);
    const self = profile.samples !== undefined ? (hits.get(node.id) ?? 0) : (node.hitCount ?? 0);
    const total = self + children.reduce((sum, c) => sum + c.total, 0);
    return { name: frameName(node.callFrame), self, total, children: children.sort((a, b) => a.name.localeCompare(b.name)) };
  };
  return visit(root);
}

/** Self samples per function name across the whole tree, largest first. */
export function selfTimeTable(root: Frame, top: number): SelfTimeRow[] {
  const totals = new Map<string, number>();
  const walk = (f: Frame): void => {
    if (f.self > 0) totals.set(f.name, (totals.get(f.name) ?? 0) + f.self);
    f.children.forEach(walk);
  };
  walk(root);
  const all = root.total || 1;
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, selfSamples]) => ({ name, selfSamples, share: selfSamples / all }));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A stable warm colour per name, so the same function has the same colour in every graph. */
function colour(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  const h = Math.abs(hash);
  if (name.startsWith('(garbage collector)')) return 'rgb(120,160,220)';
  return `rgb(${205 + (h % 50)},${80 + ((h >> 8) % 120)},${40 + ((h >> 16) % 40)})`;
}

function depthOf(frame: Frame): number {
  return 1 + frame.children.reduce((max, c) => Math.max(max, depthOf(c)), 0);
}

export function renderSvg(root: Frame, title: string): string {
  const depth = depthOf(root);
  const height = (depth + 2) * FRAME_HEIGHT + 8;
  const scale = root.total > 0 ? SVG_WIDTH / root.total : 0;
  const rects: string[] = [];
  const draw = (frame: Frame, x: number, level: number): void => {
    const width = frame.total * scale;
    if (width < MIN_FRAME_PX) return;
    const y = height - (level + 1) * FRAME_HEIGHT - 4;
    const share = root.total > 0 ? ((frame.total / root.total) * 100).toFixed(1) : '0';
    const label = width > 40 ? escapeXml(frame.name.slice(0, Math.floor(width / 6.5))) : '';
    rects.push(`<g><title>${escapeXml(frame.name)} (${frame.total} samples, ${share}%)</title>` +
      `<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${FRAME_HEIGHT - 1}" fill="${colour(frame.name)}"/>` +
      (label ? `<text x="${(x + 3).toFixed(1)}" y="${y + 11}">${label}</text>` : '') + '</g>');
    let childX = x + frame.self * scale;
    for (const child of frame.children) {
      draw(child, childX, level + 1);
      childX += child.total * scale;
    }
  };
  draw(root, 0, 0);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SVG_WIDTH}" height="${height}" font-family="monospace" font-size="11">\n` +
    `<text x="4" y="14" font-size="13">${escapeXml(title)} (${root.total} samples)</text>\n${rects.join('\n')}\n</svg>\n`;
}

function main(argv: string[]): void {
  const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
  const option = (flag: string): string | undefined => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined; };
  if (positional.length !== 2) {
    process.stderr.write('usage: flamegraph <in.cpuprofile> <out.svg> [--title text] [--top n]\n');
    process.exit(2);
  }
  const [input, output] = positional;
  const root = buildTree(JSON.parse(fs.readFileSync(input, 'utf8')) as CpuProfile);
  fs.writeFileSync(output, renderSvg(root, option('--title') ?? path.basename(input)));
  for (const row of selfTimeTable(root, Number(option('--top') ?? 15))) {
    process.stdout.write(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}\n`);
  }
}

if (require.main === module) main(process.argv.slice(2));
