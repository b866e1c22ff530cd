/**
 * Keeps lib/'s module graph healthy: no import cycles, no dead files, no dead exports. Runs from
 * `npm test` (scripts/test.sh) before mocha and exits non-zero with a list of what it found.
 *
 * It parses each file with the TypeScript compiler (syntax only, no type checking, so the whole
 * tree takes well under a second) and resolves relative imports itself. Everything lib/ uses is
 * a relative import of a .ts file, so that is all it resolves; package imports are ignored.
 *
 * What counts as a use of an export: an import or re-export by name from any file in lib/,
 * test/, bench/ or scripts/ (tests and benchmarks count, they import lib/ too), `import * as`,
 * `require()` or `import()` of the module (all of its exports), and `import('./x').Name` types.
 * The package's entry points (lib/index.ts, lib/server.ts, lib/testing/index.ts: package.json's
 * `exports`) are the public API, so their exports are used by definition. A file is used when it
 * is reachable by imports from lib/index.ts, a CLI entry point (`require.main === module`), a
 * test, a benchmark or a script.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** One exported name of a module, with where it is declared (1-based line). */
export interface ExportedName {
  name: string;
  line: number;
  /** True when the module itself still mentions the name besides declaring it. */
  usedInFile: boolean;
}

export interface ModuleInfo {
  file: string;
  /** Modules this one imports or re-exports from, by absolute path (relative imports only). */
  imports: Set<string>;
  exports: ExportedName[];
  /** Names this module takes from each imported module; '*' means all of them. */
  usedNames: Map<string, Set<string>>;
  isEntryPoint: boolean;
}

export interface HealthReport {
  cycles: string[][];
  unusedFiles: string[];
  /** Exports nothing outside their own file uses, as `file:line name`. */
  unusedExports: { file: string; line: number; name: string; usedInFile: boolean }[];
}

const SOURCE_DIRS = ['lib', 'test', 'bench', 'scripts'];

export function checkLibImports(root: string): HealthReport {
  const modules = new Map<string, ModuleInfo>();
  for (const dir of SOURCE_DIRS) {
    for (const file of listTsFiles(path.join(root, dir))) modules.set(file, parseModule(file));
  }
  const libDir = path.join(root, 'lib') + path.sep;
  const isLib = (file: string): boolean => file.startsWith(libDir);
  const publicApis = new Set(['index.ts', 'server.ts', path.join('testing', 'index.ts')].map((f) => path.join(root, 'lib', f)));
  const rel = (file: string): string => path.relative(root, file);

  const libGraph = new Map<string, string[]>();
  for (const [file, info] of modules) {
    if (isLib(file)) libGraph.set(file, [...info.imports].filter((dep) => isLib(dep) && modules.has(dep)));
  }
  const cycles = findCycles(libGraph).map((cycle) => cycle.map(rel));

  const reachable = new Set<string>();
  const pending = [...modules.values()].filter((m) => !isLib(m.file) || m.isEntryPoint || publicApis.has(m.file)).map((m) => m.file);
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (reachable.has(file)) continue;
    reachable.add(file);
    for (const dep of modules.get(file)?.imports ?? []) if (modules.has(dep)) pending.push(dep);
  }
  const unusedFiles = [...modules.keys()].filter((file) => isLib(file) && !reachable.has(file)).map(rel).sort();

  const used = new Map<string, Set<string>>();
  for (const [file, info] of modules) {
    if (!reachable.has(file)) continue;
    for (const [dep, names] of info.usedNames) {
      const set = used.get(dep) ?? new Set<string>();
      for (const name of names) set.add(name);
      used.set(dep, set);
    }
  }
  const unusedExports: HealthReport['unusedExports'] = [];
  for (const [file, info] of modules) {
    if (!isLib(file) || publicApis.has(file) || !reachable.has(file)) continue;
    const names = used.get(file) ?? new Set<string>();
    if (names.has('*')) continue;
    for (const exp of info.exports) {
      if (!names.has(exp.name)) unusedExports.push({ file: rel(file), line: exp.line, name: exp.name, usedInFile: exp.usedInFile });
    }
  }
  unusedExports.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { cycles, unusedFiles, unusedExports };
}

function listTsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTsFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

function resolveRelative(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

export function parseModule(file: string): ModuleInfo {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const info: ModuleInfo = { file, imports: new Set(), exports: [], usedNames: new Map(), isEntryPoint: /require\.main === module/.test(text) };
  const declarationNames = new Set<ts.Node>();

  const use = (specifier: ts.Expression | undefined, names: string[]): void => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const target = resolveRelative(file, specifier.text);
    if (!target) return;
    info.imports.add(target);
    const set = info.usedNames.get(target) ?? new Set<string>();
    for (const name of names) set.add(name);
    info.usedNames.set(target, set);
  };
  const addExport = (nameNode: ts.Node, name: string): void => {
    declarationNames.add(nameNode);
    info.exports.push({ name, line: source.getLineAndCharacterOfPosition(nameNode.getStart()).line + 1, usedInFile: false });
  };
  const addBindingNames = (binding: ts.BindingName): void => {
    if (ts.isIdentifier(binding)) addExport(binding, binding.text);
    else for (const element of binding.elements) if (!ts.isOmittedExpression(element)) addBindingNames(element.name);
  };

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const names: string[] = [];
      if (clause?.name) names.push('default');
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
      if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) names.push((el.propertyName ?? el.name).text);
      use(statement.moduleSpecifier, names);
    } else if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (statement.moduleSpecifier) {
        // A re-export uses the name in the module it comes from and exports it from this one.
        if (!clause) use(statement.moduleSpecifier, ['*']);
        else if (ts.isNamespaceExport(clause)) { use(statement.moduleSpecifier, ['*']); addExport(clause.name, clause.name.text); }
        else {
          use(statement.moduleSpecifier, clause.elements.map((el) => (el.propertyName ?? el.name).text));
          for (const el of clause.elements) addExport(el.name, el.name.text);
        }
      } else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) addExport(el.name, el.name.text);
      }
    } else if (ts.isExportAssignment(statement)) {
      addExport(statement, 'default');
    } else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      const isDefault = ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (ts.isVariableStatement(statement)) {
        for (const decl of statement.declarationList.declarations) addBindingNames(decl.name);
      } else if (
        ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
        || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)
      ) {
        const name = statement.name;
        if (isDefault) addExport(name ?? statement, 'default');
        else if (name && ts.isIdentifier(name)) addExport(name, name.text);
      }
    }
  }

  // Dynamic loads, `import x = require()` and `import('./x').Name` types anywhere in the file.
  const mentions = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.length === 1
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      use(node.arguments[0], ['*']);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      use(node.moduleReference.expression, ['*']);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      let qualifier = node.qualifier;
      while (qualifier && ts.isQualifiedName(qualifier)) qualifier = qualifier.left;
      use(node.argument.literal as ts.Expression, [qualifier ? qualifier.text : '*']);
    } else if (ts.isIdentifier(node) && !declarationNames.has(node) && !isMemberName(node)) {
      mentions.set(node.text, (mentions.get(node.text) ?? 0) + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const exp of info.exports) exp.usedInFile = (mentions.get(exp.name) ?? 0) > 0;
  return info;
}

/** `x.name`, `{ name: ... }`, `name(): ...` in a class: a property that shares the text, not a use. */
function isMemberName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === node;
  if (ts.isQualifiedName(parent)) return parent.right === node;
  return (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent)
    || ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent)
    || ts.isEnumMember(parent)) && parent.name === node;
}

/** Strongly connected components with more than one module (or a self-import), by Tarjan's algorithm. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let nextIndex = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const strongConnect = (node: string): void => {
    index.set(node, nextIndex);
    lowLink.set(node, nextIndex);
    nextIndex++;
    stack.push(node);
    onStack.add(node);
    for (const dep of graph.get(node) ?? []) {
      if (!index.has(dep)) {
        strongConnect(dep);
        lowLink.set(node, Math.min(lowLink.get(node) as number, lowLink.get(dep) as number));
      } else if (onStack.has(dep)) {
        lowLink.set(node, Math.min(lowLink.get(node) as number, index.get(dep) as number));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) strongConnect(node);
  return cycles;
}

/**
 * `node dist/scripts/check-lib-imports.js [--cycles-only] [--list-wide-exports]`. The second flag
 * also lists exports only their own file uses: not dead (tsc's noUnusedLocals would say so once
 * the `export` went), just wider than needed, so they are listed on request and never fail.
 */
function main(argv: readonly string[]): void {
  const root = path.resolve(__dirname, '..', '..');
  const report = checkLibImports(root);
  const problems: string[] = [];
  for (const cycle of report.cycles) problems.push(`import cycle among: ${cycle.join(', ')}`);
  if (!argv.includes('--cycles-only')) {
    for (const file of report.unusedFiles) problems.push(`unused file: ${file} (nothing imports it)`);
    for (const exp of report.unusedExports) {
      if (!exp.usedInFile) problems.push(`unused export: ${exp.file}:${exp.line} ${exp.name} (used nowhere: delete it)`);
    }
  }
  if (argv.includes('--list-wide-exports')) {
    for (const exp of report.unusedExports) {
      if (exp.usedInFile) console.log(`export used only in its own file: ${exp.file}:${exp.line} ${exp.name}`);
    }
  }
  if (problems.length === 0) return;
  console.error(`check-lib-imports: ${problems.length} problem(s) in lib/:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
}

if (require.main === module) main(process.argv.slice(2));
