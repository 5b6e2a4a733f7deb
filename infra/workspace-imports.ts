// Which packages each npm workspace imports, read from its source with the TypeScript parser, and
// which of them its package.json does not declare. A workspace that imports a package it does not
// declare works only while npm happens to hoist someone else's copy to the root: it breaks when
// that other dependency changes or goes (firebase-tools once supplied the root's zod and Pub/Sub
// client), and the deploy's pruned lockfile resolves the package from the wrong place.
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { packageNameOf } from './scripts/bundle-entry.js';

/** Folders that hold no source of ours, or output built from it. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'deploy', '.local', '.git', 'terraform']);
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;
/**
 * Tests and what only tests run (the same tiers .dependency-cruiser.cjs treats as tests), and the
 * app's browser-script build tooling (its output, public/billing.js, is what ships).
 */
const TEST_FILE = /(\.test\.ts$|(^|\/)(testing|e2e|bench|browser-script)\/)/;

export interface PackageJson {
  readonly name?: string;
  readonly workspaces?: readonly string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

export interface PackageImport {
  /** Package name (`@scope/name` or `name`), never a builtin or a relative path. */
  readonly name: string;
  /** Only types are taken from it (erased at build time). */
  readonly typeOnly: boolean;
}

function isBarePackage(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('#') && !isBuiltin(specifier);
}

/** Every package a source file imports: static, dynamic, re-exports, `import('x').T` and `require('x')`. */
export function packageImports(fileName: string, text: string): PackageImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: PackageImport[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteralLike(spec) && isBarePackage(spec.text)) found.push({ name: packageNameOf(spec.text), typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      // `import { type A, type B } from 'x'` is erased too (verbatimModuleSyntax keeps `import {} from`, which this is not).
      const allNamedTypes =
        !clause?.name &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, clause?.isTypeOnly === true || allNamedTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) add(arg.literal, true);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export interface Workspace {
  /** Relative to the repository root, posix; '' for the root package. */
  readonly dir: string;
  readonly pkg: PackageJson;
}

function readPackageJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

/** The root package and every workspace it lists (plain paths; this repo uses no globs). */
export function readWorkspaces(repoRoot: string): Workspace[] {
  const root = readPackageJson(path.join(repoRoot, 'package.json'));
  return [
    { dir: '', pkg: root },
    ...(root.workspaces ?? []).map((dir) => ({ dir, pkg: readPackageJson(path.join(repoRoot, dir, 'package.json')) })),
  ];
}

/** The workspace a file belongs to: the longest workspace folder that contains it, else the root. */
export function owningWorkspace(relFile: string, workspaces: readonly Workspace[]): Workspace {
  const owners = workspaces.filter((w) => w.dir === '' || relFile.startsWith(`${w.dir}/`)).sort((a, b) => b.dir.length - a.dir.length);
  const owner = owners[0];
  if (!owner) throw new Error(`no workspace for ${relFile}`);
  return owner;
}

/** Source files under the repository (posix, relative), skipping dependencies and build output. */
export function sourceFiles(repoRoot: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...sourceFiles(repoRoot, rel));
    } else if (SOURCE_FILE.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

export interface UndeclaredImport {
  readonly file: string;
  readonly workspace: string;
  readonly name: string;
  /** Where it has to be declared. */
  readonly expected: 'dependencies' | 'dependencies or devDependencies' | 'the workspace or the root package';
}

const has = (deps: Readonly<Record<string, string>> | undefined, name: string) => deps !== undefined && Object.hasOwn(deps, name);

/**
 * Imports a workspace does not declare where they belong:
 * - production source: a value import in `dependencies` (the deploy installs only those), a
 *   type-only import in `dependencies` or `devDependencies`;
 * - tests, test helpers, benches, e2e: the workspace's own declarations or the root's
 *   devDependencies (the test runner and its tools live there for every workspace).
 * A workspace's own name is always allowed (self-reference through its exports).
 */
export function undeclaredImports(repoRoot: string): UndeclaredImport[] {
  const workspaces = readWorkspaces(repoRoot);
  const root = workspaces[0]?.pkg ?? {};
  const problems: UndeclaredImport[] = [];
  for (const file of sourceFiles(repoRoot)) {
    const ws = owningWorkspace(file, workspaces);
    const { pkg } = ws;
    const isTest = TEST_FILE.test(file);
    const seen = new Set<string>();
    for (const imp of packageImports(file, readFileSync(path.join(repoRoot, file), 'utf8'))) {
      const key = `${imp.name}\0${imp.typeOnly}`;
      if (seen.has(key) || imp.name === pkg.name) continue;
      seen.add(key);
      const own = has(pkg.dependencies, imp.name) || has(pkg.peerDependencies, imp.name) || has(pkg.optionalDependencies, imp.name);
      const ownDev = has(pkg.devDependencies, imp.name);
      // The root package is not deployed: its own devDependencies are what its tooling runs on.
      if (ws.dir === '' || isTest) {
        if (own || ownDev || has(root.devDependencies, imp.name) || has(root.dependencies, imp.name)) continue;
        problems.push({ file, workspace: ws.dir || '(root)', name: imp.name, expected: 'the workspace or the root package' });
      } else if (imp.typeOnly) {
        if (own || ownDev) continue;
        problems.push({ file, workspace: ws.dir, name: imp.name, expected: 'dependencies or devDependencies' });
      } else {
        if (own) continue;
        problems.push({ file, workspace: ws.dir, name: imp.name, expected: 'dependencies' });
      }
    }
  }
  return problems;
}
