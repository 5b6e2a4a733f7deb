// Reads infra/terraform/*.tf into one merged JSON tree with @cdktf/hcl2json, for the offline
// invariant tests. HCL blocks come back as arrays of objects; expressions as "${...}" strings.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

export const TERRAFORM_DIR = fileURLToPath(new URL('./terraform', import.meta.url));

export type Block = Readonly<Record<string, unknown>>;

export interface TerraformConfig {
  /** resource type -> resource name -> block */
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, Block>>;
  readonly locals: Block;
  readonly variables: ReadonlyMap<string, Block>;
  readonly outputs: ReadonlyMap<string, Block>;
  /** The `terraform { ... }` blocks (backend, required_providers, required_version). */
  readonly settings: readonly Block[];
}

function isBlock(v: unknown): v is Block {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The single nested block `key` of `block` (HCL2JSON wraps nested blocks in one-element arrays). */
export function child(block: Block | undefined, key: string): Block | undefined {
  const v = block?.[key];
  if (Array.isArray(v)) return v.find(isBlock);
  return isBlock(v) ? v : undefined;
}

/** Every nested block `key` (e.g. all `env` blocks of a container). */
export function children(block: Block | undefined, key: string): Block[] {
  const v = block?.[key];
  if (Array.isArray(v)) return v.filter(isBlock);
  return isBlock(v) ? [v] : [];
}

/** Follows a path of nested single blocks. */
export function dig(block: Block | undefined, ...keys: string[]): Block | undefined {
  return keys.reduce<Block | undefined>((b, k) => child(b, k), block);
}

export function attr(block: Block | undefined, key: string): unknown {
  return block?.[key];
}

export function str(block: Block | undefined, key: string): string | undefined {
  const v = block?.[key];
  return typeof v === 'string' ? v : undefined;
}

export async function readTerraform(dir = TERRAFORM_DIR): Promise<TerraformConfig> {
  const resources = new Map<string, Map<string, Block>>();
  const variables = new Map<string, Block>();
  const outputs = new Map<string, Block>();
  const locals: Record<string, unknown> = {};
  const settings: Block[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  for (const file of files) {
    const json: unknown = await parse(file, readFileSync(path.join(dir, file), 'utf8'));
    if (!isBlock(json)) continue;
    const res = json['resource'];
    if (isBlock(res)) {
      for (const [type, byName] of Object.entries(res)) {
        if (!isBlock(byName)) continue;
        const map = resources.get(type) ?? new Map<string, Block>();
        for (const [name, blocks] of Object.entries(byName)) {
          const block = Array.isArray(blocks) ? blocks.find(isBlock) : undefined;
          if (block) map.set(name, block);
        }
        resources.set(type, map);
      }
    }
    const vars = json['variable'];
    if (isBlock(vars)) {
      for (const [name, blocks] of Object.entries(vars)) {
        const block = Array.isArray(blocks) ? blocks.find(isBlock) : undefined;
        if (block) variables.set(name, block);
      }
    }
    const outs = json['output'];
    if (isBlock(outs)) {
      for (const [name, blocks] of Object.entries(outs)) {
        const block = Array.isArray(blocks) ? blocks.find(isBlock) : undefined;
        if (block) outputs.set(name, block);
      }
    }
    for (const l of children(json, 'locals')) Object.assign(locals, l);
    settings.push(...children(json, 'terraform'));
  }
  return { resources, locals, variables, outputs, settings };
}

export function resourcesOf(tf: TerraformConfig, type: string): ReadonlyMap<string, Block> {
  return tf.resources.get(type) ?? new Map<string, Block>();
}

export function resource(tf: TerraformConfig, type: string, name: string): Block {
  const block = resourcesOf(tf, type).get(name);
  if (!block) throw new Error(`${type}.${name} is not declared in infra/terraform`);
  return block;
}
