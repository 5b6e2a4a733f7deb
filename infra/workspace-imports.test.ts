// Every workspace declares what it imports (issue: firebase-tools once supplied the root's zod,
// express and Pub/Sub client, and workspaces leaned on those copies without declaring them).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageImports, undeclaredImports } from './workspace-imports.js';

const repoRoot = path.resolve(import.meta.dirname, '..');

describe('workspace imports', () => {
  it('finds static, type-only, dynamic, re-exported and required packages, never builtins or relative paths', () => {
    const text = [
      "import express from 'express';",
      "import type { Firestore } from '@google-cloud/firestore';",
      "import { type A, type B } from 'zod';",
      "export { x } from '@scope/pkg/sub/path.js';",
      "const m = await import('stripe');",
      "const r = require('jose');",
      "import fs from 'node:fs';",
      "import { y } from './local.js';",
    ].join('\n');
    expect(packageImports('x.ts', text)).toEqual([
      { name: 'express', typeOnly: false },
      { name: '@google-cloud/firestore', typeOnly: true },
      { name: 'zod', typeOnly: true },
      { name: '@scope/pkg', typeOnly: false },
      { name: 'stripe', typeOnly: false },
      { name: 'jose', typeOnly: false },
    ]);
  });

  it('every package a workspace imports is declared where npm and the deploy look for it', () => {
    expect(undeclaredImports(repoRoot)).toEqual([]);
  });
});
