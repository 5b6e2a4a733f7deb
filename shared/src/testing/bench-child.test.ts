import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startBenchChild, type BenchChild } from './bench-child.js';
import type { EchoRequest } from './bench-child-echo.js';

const ECHO = fileURLToPath(new URL('./bench-child-echo.ts', import.meta.url));

describe('startBenchChild / serveBenchRequests', () => {
  let child: BenchChild<EchoRequest, string> | undefined;
  afterEach(async () => child?.stop());

  it('answers each request in turn', async () => {
    child = await startBenchChild<EchoRequest, string>(ECHO, 'echo child');
    expect(await child.ask({ kind: 'echo', text: 'one' })).toBe('one');
    expect(await child.ask({ kind: 'echo', text: 'two' })).toBe('two');
  });

  it("rejects with the child's own error, thrown or rejected, and the child serves the next request", async () => {
    child = await startBenchChild<EchoRequest, string>(ECHO, 'echo child');
    await expect(child.ask({ kind: 'throw', text: 'no target named x' })).rejects.toThrow('echo child: no target named x');
    await expect(child.ask({ kind: 'reject', text: 'topic not found' })).rejects.toThrow('echo child: topic not found');
    expect(await child.ask({ kind: 'echo', text: 'still here' })).toBe('still here');
  });

  it('rejects, rather than hangs, when the child exits, and every later request too', async () => {
    child = await startBenchChild<EchoRequest, string>(ECHO, 'echo child');
    await expect(child.ask({ kind: 'exit', code: 3 })).rejects.toThrow('echo child exited (3)');
    await expect(child.ask({ kind: 'echo', text: 'after' })).rejects.toThrow('echo child exited (3)');
  });
});
