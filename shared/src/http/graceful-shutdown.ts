// Listens and drains like Cloud Run expects: on SIGTERM (sent about 10 s before SIGKILL) stop
// accepting connections, let in-flight requests finish, close keep-alive connections as they go
// idle, then run `onClose` (flush publishers, close clients) and exit.
// https://cloud.google.com/run/docs/container-contract#instance-shutdown
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.js';

export interface GracefulShutdownOptions {
  logger?: Logger;
  /** Interface to bind; all interfaces by default (Cloud Run needs 0.0.0.0). */
  host?: string;
  /** After this, connections still open are cut so onClose runs before SIGKILL. Default 8000 ms. */
  drainTimeoutMs?: number;
  /** Signals that start the drain. Default SIGTERM and SIGINT; tests pass [] and call shutdown(). */
  signals?: readonly NodeJS.Signals[];
  /** Called after a signal-initiated drain: 0 when it went cleanly, 1 otherwise. Default process.exit. */
  exit?: (code: number) => void;
}

export interface GracefulServer {
  server: Server;
  /** The bound port (useful when listening on 0). */
  port: number;
  /** Drains and runs onClose once; later calls return the same promise. */
  shutdown(): Promise<void>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export async function listenWithGracefulShutdown(
  app: RequestListener,
  port: number,
  onClose: () => Promise<void>,
  opts: GracefulShutdownOptions = {},
): Promise<GracefulServer> {
  const { logger, drainTimeoutMs = 8000, signals = ['SIGTERM', 'SIGINT'], exit = (code: number) => process.exit(code) } = opts;
  let draining = false;
  // Responses not yet closed. A response's 'close' comes after its 'finish' (or alone, when the
  // client went away), and listeners run in order within one emit: once every response has
  // emitted 'close', every listener the app attached to it (the access line) has run.
  const open = new Set<ServerResponse>();
  let allClosed: (() => void) | undefined;
  const server = createServer((req, res) => {
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0) allClosed?.();
    });
    if (draining) {
      // A request that arrives on a kept-alive connection while draining is served, then the
      // connection is closed so the client reconnects to another instance.
      res.setHeader('Connection', 'close');
    }
    res.once('finish', () => {
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    app(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;

  let drained: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    drained ??= (async () => {
      draining = true;
      logger?.info({ event: 'server.draining' }, 'draining');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
      cut.unref();
      await closed;
      // The server reports 'close' when the last socket closed, but that socket's response may
      // still have its 'finish'/'close' queued: a SIGTERM read in the same loop turn as the last
      // write's completion runs first, and a destroyed socket's 'close' comes in the loop's close
      // phase. Wait for every response's 'close' (bounded by the same cut), then one more turn
      // for the listeners' own deferred work, so every access line is out before `server.closed`.
      if (open.size > 0) await new Promise<void>((resolve) => (allClosed = resolve));
      clearTimeout(cut);
      await new Promise((resolve) => setImmediate(resolve));
      await onClose();
      logger?.info({ event: 'server.closed' }, 'closed');
    })();
    return drained;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    logger?.info({ event: 'server.signal', signal }, `received ${signal}`);
    shutdown().then(
      () => exit(0),
      (err: unknown) => {
        logger?.error({ event: 'server.shutdown_failed', err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of signals) process.once(signal, onSignal);
  server.once('close', () => {
    for (const signal of signals) process.off(signal, onSignal);
  });

  logger?.info({ event: 'server.listening', port: boundPort }, `listening on ${boundPort}`);
  return { server, port: boundPort, shutdown };
}
