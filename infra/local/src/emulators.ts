// Starts the real Firestore and Pub/Sub emulators that gcloud installs, offline, without
// firebase-tools' download step (see the README).
// Used by the local stack (fixed ports from firebase.json) and by the test suite (free ports).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

const SDK_PLATFORM = process.env['CLOUDSDK_PLATFORM_DIR'] ?? '/usr/lib/google-cloud-sdk/platform';
export const FIRESTORE_JAR = path.join(SDK_PLATFORM, 'cloud-firestore-emulator/cloud-firestore-emulator.jar');
export const PUBSUB_BIN = path.join(SDK_PLATFORM, 'pubsub-emulator/bin/cloud-pubsub-emulator');

export interface RunningEmulator {
  readonly name: 'firestore' | 'pubsub';
  readonly host: string; // host:port, the form FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST take
  /** Its process group (the JVM and any wrapper), for measuring its CPU time (shared/src/testing/process-cpu.ts). */
  readonly processGroup: number | undefined;
  readonly stop: () => Promise<void>;
}

export class EmulatorsMissingError extends Error {
  constructor(missing: string[]) {
    super(
      `The Google Cloud emulators are not installed here (missing: ${missing.join(', ')}). ` +
        'Install the Debian packages google-cloud-cli-firestore-emulator and ' +
        'google-cloud-cli-pubsub-emulator, and Java 11 or newer (openjdk-17-jre-headless).',
    );
    this.name = 'EmulatorsMissingError';
  }
}

export function assertEmulatorsInstalled(): void {
  const missing = [FIRESTORE_JAR, PUBSUB_BIN].filter((p) => !existsSync(p));
  if (missing.length > 0) throw new EmulatorsMissingError(missing);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const FirebaseJson = z.object({
  emulators: z.object({
    firestore: z.object({ host: z.string(), port: z.number().int() }),
    pubsub: z.object({ host: z.string(), port: z.number().int() }),
  }),
});

/** Ports the local stack uses, read from firebase.json so firebase-tools and our launcher agree. */
export function emulatorPortsFromFirebaseJson(repoRoot: string): { firestore: number; pubsub: number } {
  const json = FirebaseJson.parse(JSON.parse(readFileSync(path.join(repoRoot, 'firebase.json'), 'utf8')));
  return { firestore: json.emulators.firestore.port, pubsub: json.emulators.pubsub.port };
}

async function waitUntilReady(url: string, child: ChildProcess, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} emulator exited during start-up (is the port taken?)`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} emulator did not become ready within ${timeoutMs} ms`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The emulators run in their own process group (detached) so that the JVM and any wrapper die together.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3_000);
    await exited;
    clearTimeout(timer);
  };
}

// Emulators run detached (own process group) so one signal stops the JVM and its wrapper. If our
// process exits without calling stop() (a crash, an uncaught error), kill them anyway: a leaked
// emulator keeps its port and hundreds of MB. (A SIGKILL of this process cannot be caught.)
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

function launch(cmd: string, args: string[], logPrefix: string, quiet: boolean): ChildProcess {
  const child = spawn(cmd, args, {
    detached: true,
    stdio: quiet ? 'ignore' : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CLOUDSDK_CORE_DISABLE_PROMPTS: '1', CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false' },
  });
  const pid = child.pid;
  if (pid !== undefined) {
    liveGroups.add(pid);
    child.once('exit', () => liveGroups.delete(pid));
  }
  if (!quiet) {
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) process.stderr.write(`[${logPrefix}] ${line}\n`);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
  }
  return child;
}

export interface StartOptions {
  port?: number; // 0 or absent: a free port
  quiet?: boolean;
  rulesFile?: string;
}

export async function startFirestoreEmulator(opts: StartOptions = {}): Promise<RunningEmulator> {
  assertEmulatorsInstalled();
  const port = opts.port || (await freePort());
  const args = [
    '-cp',
    FIRESTORE_JAR,
    'com.google.cloud.datastore.emulator.firestore.CloudFirestore',
    'start',
    '--host=127.0.0.1',
    `--port=${port}`,
  ];
  if (opts.rulesFile) args.push(`--rules=${opts.rulesFile}`);
  const child = launch('java', args, 'firestore', opts.quiet ?? true);
  const stop = stopper(child);
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/`, child, 'Firestore');
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: 'firestore', host: `127.0.0.1:${port}`, processGroup: child.pid, stop };
}

export async function startPubSubEmulator(opts: StartOptions = {}): Promise<RunningEmulator> {
  assertEmulatorsInstalled();
  const port = opts.port || (await freePort());
  const child = launch(PUBSUB_BIN, ['--host=127.0.0.1', `--port=${port}`], 'pubsub', opts.quiet ?? true);
  const stop = stopper(child);
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/`, child, 'Pub/Sub');
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: 'pubsub', host: `127.0.0.1:${port}`, processGroup: child.pid, stop };
}
