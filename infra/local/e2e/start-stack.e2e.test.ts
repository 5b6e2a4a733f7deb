// The README's first command: `npm start` brings the whole stack up, and Ctrl-C (SIGINT to the
// terminal's foreground process group) stops everything it started, leaving no port held. Run
// through the same bootstrap as `npm start`, in its own process group like a terminal job.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emulatorPortsFromFirebaseJson } from '../src/emulators.js';
import { canConnect } from '../src/processes.js';
import { STACK_PORTS } from '../src/stack-ports.js';

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

const listening = (port: number): Promise<boolean> =>
  canConnect(new URL(`http://127.0.0.1:${port}`)).then(
    () => true,
    () => false,
  );

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('npm start', () => {
  it('starts every part of the stack, and one Ctrl-C stops all of it', async () => {
    const emulatorPorts = emulatorPortsFromFirebaseJson(ROOT);
    const ports = [...Object.values(STACK_PORTS), emulatorPorts.firestore, emulatorPorts.pubsub];
    const busy = (await Promise.all(ports.map(async (p) => ((await listening(p)) ? p : null)))).filter((p) => p !== null);
    // Fails rather than skips: stop a running `npm start` before running the suite.
    expect(busy, `ports the local stack needs are in use (is \`npm start\` running?)`).toEqual([]);

    const stack = spawn(process.execPath, ['infra/local/bootstrap.cjs', 'start:stack'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(stack, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const deadline = Date.now() + 150_000;
      while (!output.includes('Local stack is up') && Date.now() < deadline && stack.exitCode === null)
        await new Promise((r) => setTimeout(r, 250));
      expect(output, output).toContain('Local stack is up');

      expect(await status(`http://127.0.0.1:${STACK_PORTS.webhook}/health`)).toBe(200);
      expect(await status(`http://127.0.0.1:${STACK_PORTS.app}/health`)).toBe(200);
      expect(await status(`http://127.0.0.1:${STACK_PORTS.app}/dev/sign-in`)).toBe(200);
      // The example host reaches the service API with a local ID token: an unknown account is the API's 404, not a 401/403.
      expect(await status(`http://127.0.0.1:${STACK_PORTS.exampleHost}/reports/acct_nobody`)).toBe(404);
      expect(output).toContain('/dev/service-token?email=');
      for (const port of ports) expect(await listening(port), `port ${port} while up`).toBe(true);

      process.kill(-stack.pid!, 'SIGINT');
      const [code] = await exited;
      expect(code, output).toBe(0);
      for (const port of ports) expect(await listening(port), `port ${port} after Ctrl-C\n${output}`).toBe(false);
    } finally {
      // Whatever failed above, leave nothing running for the rest of the suite.
      if (stack.exitCode === null) process.kill(-stack.pid!, 'SIGKILL');
    }
  }, 240_000);
});
