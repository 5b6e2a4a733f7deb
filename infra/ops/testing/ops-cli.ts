// `npm run ops -- ...` as the tests run it: the real CLI entry in its own process (tsx), from the
// repo root, with exactly the environment given. A failing command rejects with execFile's error
// (`code`, `stdout`, `stderr`).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../scripts/build-deployable.js';

const run = promisify(execFile);

export function runOpsCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', path.join('infra', 'ops', 'cli.ts'), ...args], { cwd: REPO_ROOT, env });
}

/** A command's output: one JSON log line per progress step, then the pretty-printed JSON result. */
export function opsOutput(stdout: string): { result: Record<string, unknown>; progress: Record<string, unknown>[] } {
  const lines = stdout.split('\n');
  const start = lines.indexOf('{');
  const progress = lines
    .slice(0, start)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { result: JSON.parse(lines.slice(start).join('\n')) as Record<string, unknown>, progress };
}
