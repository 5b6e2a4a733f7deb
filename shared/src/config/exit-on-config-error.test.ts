import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exitOnConfigError, type ConfigFailureIo } from './exit-on-config-error.js';
import { parseEnv } from './parse-env.js';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Captures what a failing start-up writes; `exit` throws so the caller stops as the process would. */
function captureIo(): ConfigFailureIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write: (line) => void lines.push(line),
    exit: (code) => {
      throw new Exited(code);
    },
  };
}

const Schema = z.object({ A: z.string().min(1), B: z.enum(['x', 'y']) });

describe('exitOnConfigError', () => {
  it('returns the config when it parses, writing nothing', () => {
    const io = captureIo();
    expect(exitOnConfigError('svc', () => parseEnv(Schema, { A: 'a', B: 'x' }), io)).toEqual({ A: 'a', B: 'x' });
    expect(io.lines).toEqual([]);
  });

  it('writes one CRITICAL config.invalid JSON line listing every problem, then exits 1', () => {
    const io = captureIo();
    expect(() => exitOnConfigError('svc', () => parseEnv(Schema, { B: 'secret-value' }), io)).toThrow(new Exited(1));
    expect(io.lines).toHaveLength(1);
    expect(io.lines[0]?.endsWith('\n')).toBe(true);
    const line = JSON.parse(io.lines[0] ?? '') as Record<string, unknown>;
    expect(line).toEqual({
      severity: 'CRITICAL',
      event: 'config.invalid',
      service: 'svc',
      message: 'svc: invalid configuration, refusing to start',
      problems: [expect.stringMatching(/^A: /), expect.stringMatching(/^B: /)],
    });
    expect(io.lines[0]).not.toContain('secret-value');
  });

  it('lets any other error through: only bad configuration is a start-up refusal', () => {
    const io = captureIo();
    expect(() =>
      exitOnConfigError(
        'svc',
        () => {
          throw new TypeError('bug');
        },
        io,
      ),
    ).toThrow(TypeError);
    expect(io.lines).toEqual([]);
  });
});
