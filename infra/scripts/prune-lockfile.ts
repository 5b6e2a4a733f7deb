// Derives a small, self-contained package-lock.json for one deployable from the monorepo's root
// lockfile, so the image / function installs with `npm ci --omit=dev` exactly the versions the
// tests ran against, and nothing else (no dev tools, no other workspace's dependencies).
//
// 1. Resolve each runtime dependency the way Node would inside the monorepo: from the workspace
//    that imports it (`services/app/node_modules/express`, else `node_modules/express`).
// 2. Walk the resolved graph (dependencies, optionalDependencies, required peers).
// 3. Lay the graph out again under a fresh root, npm style: a package goes to the top level
//    unless another version of it is already visible from its dependent, in which case it nests
//    under that dependent. Breadth-first, so a node's own subtree is laid out after the node.
// No zod here: infra/ is build tooling outside the workspaces, and no zod is hoisted at the root
// (each workspace declares its own). The lockfile is npm's own output; one shape check.

export interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly resolved?: string;
  readonly link?: boolean;
  readonly optional?: boolean;
  readonly inBundle?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly [field: string]: unknown;
}

export interface Lockfile {
  readonly name: string;
  readonly version?: string;
  readonly lockfileVersion: 3;
  readonly requires?: boolean;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseLockfile(value: unknown): Lockfile {
  if (!isRecord(value) || value['lockfileVersion'] !== 3 || typeof value['name'] !== 'string' || !isRecord(value['packages'])) {
    throw new LockfileError('expected an npm lockfile v3 (npm 9 or newer) with a packages map');
  }
  for (const [key, entry] of Object.entries(value['packages'])) {
    if (!isRecord(entry)) throw new LockfileError(`lockfile entry ${key} is not an object`);
  }
  return value as unknown as Lockfile;
}

/** A runtime dependency of the deployable, and the monorepo directory it is resolved from. */
export interface RootDependency {
  readonly name: string;
  /** Lockfile path of the workspace that imports it ('' = repo root, 'services/app', 'shared'). */
  readonly fromWorkspace: string;
}

export interface PrunedLock {
  /** Exact versions of the direct runtime dependencies, for the deploy package.json. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly lockfile: Lockfile;
}

export class LockfileError extends Error {
  override name = 'LockfileError';
}

const NM = 'node_modules/';

/** The package name a lockfile path ends with: `a/node_modules/@s/b` -> `@s/b`. */
function nameAt(lockPath: string): string {
  const i = lockPath.lastIndexOf(NM);
  return lockPath.slice(i + NM.length);
}

/** Directories Node searches from `dir`, nearest first: dir, its parent package..., the root. */
function searchDirs(dir: string): string[] {
  const dirs: string[] = [];
  let d = dir;
  for (;;) {
    dirs.push(d);
    if (d === '') return dirs;
    const i = d.lastIndexOf(`/${NM}`);
    if (i >= 0) d = d.slice(0, i);
    else if (d.startsWith(NM)) d = '';
    else d = ''; // a workspace directory: its parent for resolution is the repo root
  }
}

function childPath(dir: string, name: string): string {
  return dir === '' ? `${NM}${name}` : `${dir}/${NM}${name}`;
}

function resolveIn(packages: Readonly<Record<string, LockEntry>>, fromDir: string, name: string): string | undefined {
  return searchDirs(fromDir)
    .map((d) => childPath(d, name))
    .find((p) => packages[p] !== undefined);
}

interface Edge {
  readonly name: string;
  readonly optional: boolean;
}

function edgesOf(entry: LockEntry): Edge[] {
  const edges: Edge[] = [];
  for (const name of Object.keys(entry.dependencies ?? {})) edges.push({ name, optional: false });
  for (const name of Object.keys(entry.optionalDependencies ?? {})) edges.push({ name, optional: true });
  for (const name of Object.keys(entry.peerDependencies ?? {})) {
    edges.push({ name, optional: entry.peerDependenciesMeta?.[name]?.optional === true });
  }
  return edges;
}

/** Identity of a resolved package: two lockfile paths with the same name+version+source are one package. */
function identity(entry: LockEntry, name: string): string {
  return `${name}@${entry.version ?? '?'}#${entry.resolved ?? ''}`;
}

export function pruneLockfile(root: Lockfile, deps: readonly RootDependency[], name: string, version: string): PrunedLock {
  const src = root.packages;
  const out: Record<string, LockEntry> = {};
  const outIdentity = new Map<string, string>(); // new lock path -> identity
  const queue: { newDir: string; oldPath: string }[] = [];

  const place = (newDir: string, depName: string, oldPath: string): string => {
    const entry = src[oldPath];
    if (!entry) throw new LockfileError(`${oldPath} is not in the lockfile`);
    if (entry.link === true) {
      throw new LockfileError(`${depName} is a workspace package (${oldPath}); workspace code must be bundled, not installed`);
    }
    const id = identity(entry, depName);
    const visible = searchDirs(newDir)
      .map((d) => childPath(d, depName))
      .find((p) => out[p] !== undefined);
    if (visible !== undefined && outIdentity.get(visible) === id) return visible;
    const target = visible === undefined ? childPath('', depName) : childPath(newDir, depName);
    if (out[target] !== undefined) {
      throw new LockfileError(`two versions of ${depName} are needed at ${target} (${outIdentity.get(target)} and ${id})`);
    }
    const { dev: _dev, devOptional: _devOptional, peer: _peer, extraneous: _extraneous, ...kept } = entry;
    out[target] = kept;
    outIdentity.set(target, id);
    queue.push({ newDir: target, oldPath });
    return target;
  };

  const direct: Record<string, string> = {};
  for (const dep of deps) {
    const oldPath = resolveIn(src, dep.fromWorkspace, dep.name);
    if (oldPath === undefined) {
      throw new LockfileError(
        `${dep.name} (imported from ${dep.fromWorkspace || 'the root'}) is not installed: add it to that workspace's dependencies`,
      );
    }
    const placed = place('', dep.name, oldPath);
    const v = out[placed]?.version;
    if (v === undefined) throw new LockfileError(`${dep.name} has no version in the lockfile`);
    if (direct[dep.name] !== undefined && direct[dep.name] !== v) {
      throw new LockfileError(`${dep.name} is imported in two versions (${direct[dep.name]} and ${v})`);
    }
    direct[dep.name] = v;
  }

  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const entry = src[item.oldPath];
    if (!entry) continue;
    for (const edge of edgesOf(entry)) {
      const oldDep = resolveIn(src, item.oldPath, edge.name);
      if (oldDep === undefined) {
        if (edge.optional) continue; // optional/platform package npm did not lock
        throw new LockfileError(`${edge.name} (needed by ${nameAt(item.oldPath)}) is not in the lockfile`);
      }
      if (src[oldDep]?.inBundle === true) continue; // ships inside its parent's tarball
      place(item.newDir, edge.name, oldDep);
    }
  }

  const sortedDirect = Object.fromEntries(Object.entries(direct).sort(([a], [b]) => a.localeCompare(b)));
  const packages: Record<string, LockEntry> = { '': { name, version, dependencies: sortedDirect } };
  for (const key of Object.keys(out).sort()) {
    const entry = out[key];
    if (entry) packages[key] = entry;
  }
  return { dependencies: sortedDirect, lockfile: { name, version, lockfileVersion: 3, requires: true, packages } };
}
