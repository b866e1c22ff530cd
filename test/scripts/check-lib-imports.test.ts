import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkLibImports } from '../../scripts/check-lib-imports';

/** Writes a throwaway source tree: keys are paths relative to the root. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-imports-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('scripts/check-lib-imports', () => {
  const roots: string[] = [];
  const make = (files: Record<string, string>): string => {
    const root = tree(files);
    roots.push(root);
    return root;
  };
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports a cycle made of type-only imports', () => {
    const root = make({
      'lib/index.ts': "export { a } from './zk/a';\n",
      'lib/zk/a.ts': "import type { B } from './b';\nexport const a = (b: B): B => b;\nexport type A = number;\n",
      'lib/zk/b.ts': "import type { A } from './a';\nexport type B = A;\n",
    });
    expect(checkLibImports(root).cycles).to.deep.equal([['lib/zk/a.ts', 'lib/zk/b.ts']]);
  });

  it('finds no cycle in a tree whose imports only go one way', () => {
    const root = make({
      'lib/index.ts': "export { a } from './a';\n",
      'lib/a.ts': "import { b } from './b';\nexport const a = b + 1;\n",
      'lib/b.ts': 'export const b = 1;\n',
    });
    expect(checkLibImports(root).cycles).to.deep.equal([]);
  });

  it('counts uses from tests, the public index and import() types, and reports the rest', () => {
    const root = make({
      'lib/index.ts': "export { Public } from './api';\n",
      'lib/api.ts': 'export class Public {}\nexport const forTests = 1;\nexport const dead = 2;\nexport type Typed = string;\n'
        + 'export const wide = 3;\nexport const twice = wide * 2;\n',
      'lib/other.ts': "export function f(x: import('./api').Typed): void { void x; }\n",
      'test/api.test.ts': "import { forTests, twice } from '../lib/api';\nimport { f } from '../lib/other';\nvoid forTests; void twice; void f;\n",
    });
    const unused = checkLibImports(root).unusedExports.map((e) => `${e.name}${e.usedInFile ? ' (in file)' : ''}`);
    expect(unused).to.deep.equal(['dead', 'wide (in file)']);
  });

  it('reports a lib file that nothing reaches, even when it imports others', () => {
    const root = make({
      'lib/index.ts': "export { a } from './a';\n",
      'lib/a.ts': 'export const a = 1;\n',
      'lib/orphan.ts': "import { a } from './a';\nexport const orphan = a;\n",
      'lib/cli/tool.ts': "import { a } from '../a';\nif (require.main === module) console.log(a);\n",
    });
    expect(checkLibImports(root).unusedFiles).to.deep.equal(['lib/orphan.ts']);
  });
});
