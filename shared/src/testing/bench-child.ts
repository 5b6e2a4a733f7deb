// A benchmark's helper process (TypeScript module run through tsx), spoken to over IPC one request
// at a time: the parent sends a message and waits for the child's one answer. Benches put their
// load there (HTTP clients, publishers), so its CPU and garbage are not charged to the process
// under test, as they are not in production, where that load comes from other machines.
// The child answers through `serveBenchRequests`, so a request that fails there rejects the
// parent's `ask` with the child's own error message, and the child stays up for the next request.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface BenchChild<Request, Answer> {
  /** Sends one message and resolves with the child's answer; rejects with the child's error, or if the child exits first. */
  ask(message: Request): Promise<Answer>;
  stop(): Promise<void>;
}

/** What goes over IPC from the child: its answer, or why it has none. */
type Envelope<Answer> = { ok: true; answer: Answer } | { ok: false; error: string };

/** Starts `modulePath` (an absolute path) with the parent's environment. */
export async function startBenchChild<Request, Answer>(modulePath: string, label: string): Promise<BenchChild<Request, Answer>> {
  const child: ChildProcess = fork(modulePath, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(child, 'spawn');
  let failure: Error | undefined;
  const exited = (code: number | null, signal: NodeJS.Signals | null) => (failure ??= new Error(`${label} exited (${signal ?? code})`));
  child.once('exit', exited);
  return {
    ask: (message) =>
      new Promise<Answer>((resolve, reject) => {
        if (failure) return reject(failure);
        const onAnswer = (envelope: Envelope<Answer>) => {
          child.off('exit', onExit);
          if (envelope.ok) resolve(envelope.answer);
          else reject(new Error(`${label}: ${envelope.error}`));
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          child.off('message', onAnswer);
          reject(exited(code, signal));
        };
        child.once('exit', onExit);
        child.once('message', onAnswer);
        child.send(message as object);
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill();
      await gone;
    },
  };
}

/** The child side: answers each request with `handle`'s result, or with the error it threw or rejected with. */
export function serveBenchRequests<Request, Answer>(handle: (request: Request) => Answer | Promise<Answer>): void {
  const reply = (envelope: Envelope<Answer>) => process.send?.(envelope);
  process.on('message', (request: Request) => {
    Promise.resolve()
      .then(() => handle(request))
      .then(
        (answer) => reply({ ok: true, answer }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}
