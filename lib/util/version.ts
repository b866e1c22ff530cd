/**
 * Samsa's version: package.json's, read at run time so a tool, the console and the package all
 * report the one number that was packed. dist/lib/util sits three levels under the package root,
 * in the repository and in an installed package alike.
 */
import * as fs from 'fs';
import * as path from 'path';

export const SAMSA_VERSION: string = (() => {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
