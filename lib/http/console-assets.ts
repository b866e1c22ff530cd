/**
 * The console's static files (index.html, the esbuild bundle, CSS), built by `npm run build`
 * (scripts/build-console.ts) into dist/console/ and served from memory with their content types.
 * Only names in that folder are served; a path with anything else cannot reach the file system.
 */
import * as fs from 'fs';
import * as path from 'path';
import { HttpResponse, text } from './http-server';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
};

/** dist/lib/http → dist/console. */
const DEFAULT_DIR = path.resolve(__dirname, '..', '..', 'console');

export class ConsoleAssets {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly dir = DEFAULT_DIR) {}

  /** `name` as in `/assets/<name>`; null when there is no such asset. */
  serve(name: string): HttpResponse | null {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name)) return null;
    const type = CONTENT_TYPES[path.extname(name)];
    if (type === undefined) return null;
    let body = this.cache.get(name);
    if (body === undefined) {
      try {
        body = fs.readFileSync(path.join(this.dir, name));
      } catch {
        if (name === 'index.html') return text(503, 'The console was not built: run npm run build\n');
        return null;
      }
      this.cache.set(name, body);
    }
    // The bundle's name does not change between builds; revalidate rather than cache forever.
    return { status: 200, contentType: type, body, headers: { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' } };
  }
}
