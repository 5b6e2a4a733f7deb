// Child processes of the local stack: started in their own process group, their output prefixed,
// awaited until a health URL answers, and stopped together (SIGTERM, then SIGKILL after a grace).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  readonly name: string;
  /** Graceful: SIGTERM to the process group, SIGKILL after 8 s; resolves once it has exited. */
  readonly stop: () => Promise<void>;
  /** A crash, for tests: SIGKILL to the process group at once (no shutdown hook runs); resolves once it has exited. */
  readonly kill: () => Promise<void>;
  /** The exit code, or null when a signal ended it. */
  readonly exited: Promise<number | null>;
}

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Polled until its host:port accepts a TCP connection (listening is what start-up waits for). */
  readyUrl?: string;
  readyTimeoutMs?: number;
}

function prefixOutput(child: ChildProcess, name: string): void {
  const forward = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) stream.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', forward(process.stdout));
  child.stderr?.on('data', forward(process.stderr));
}

/** Resolves once `url`'s host:port accepts a TCP connection; rejects when nothing listens. */
export function canConnect(url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

export async function startProcess(spec: ProcessSpec): Promise<ManagedProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixOutput(child, spec.name);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));

  /** Signals the whole process group; false when it is gone already. */
  const signal = (sig: NodeJS.Signals): boolean => {
    if (gone || child.pid === undefined) return false;
    try {
      process.kill(-child.pid, sig);
      return true;
    } catch {
      return false;
    }
  };

  const stop = async () => {
    if (!signal('SIGTERM')) return;
    const timer = setTimeout(() => signal('SIGKILL'), 8_000);
    await exited;
    clearTimeout(timer);
  };

  const kill = async () => {
    if (signal('SIGKILL')) await exited;
  };

  if (spec.readyUrl) {
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (gone) throw new Error(`${spec.name} exited during start-up (see its output above)`);
      try {
        await canConnect(new URL(spec.readyUrl));
        break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${spec.name} did not answer ${spec.readyUrl} within ${spec.readyTimeoutMs ?? 60_000} ms`);
      }
      await sleep(150);
    }
  }
  return { name: spec.name, stop, kill, exited };
}
