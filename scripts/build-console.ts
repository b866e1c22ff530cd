/**
 * Builds the web console (console/ → dist/console/): esbuild bundles the Preact app with uPlot
 * into one minified script, and index.html and the CSS are copied beside it. Run by `npm run
 * build` after tsc; the broker serves the result (lib/http/console-assets.ts), so nothing is
 * fetched from a CDN at run time. The app is not type-checked by the main tsconfig: esbuild only
 * strips its types.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const root = path.resolve(__dirname, '..', '..');
const source = path.join(root, 'console');
const out = path.join(root, 'dist', 'console');

fs.mkdirSync(out, { recursive: true });
buildSync({
  entryPoints: [path.join(source, 'app.ts')],
  bundle: true, minify: true, sourcemap: false, format: 'iife', target: ['es2020'],
  outfile: path.join(out, 'app.js'), logLevel: 'warning',
});
fs.copyFileSync(path.join(source, 'index.html'), path.join(out, 'index.html'));
fs.copyFileSync(path.join(source, 'console.css'), path.join(out, 'console.css'));
fs.copyFileSync(path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), path.join(out, 'uplot.css'));
