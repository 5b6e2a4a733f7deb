// A logger whose JSON lines a test can read back, to assert event names, severities and what
// must never be logged.
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '@billing/shared/logging/logger.js';

export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Everything logged so far, as one string (for "never contains" checks). */
  text(): string;
  byEvent(event: string): Record<string, unknown>[];
}

export function captureLogs(service = 'webhook'): CapturedLogs {
  const stream = new PassThrough();
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  return {
    logger: createLogger({ service, level: 'debug', destination: stream }),
    lines,
    text: () => raw.join('\n'),
    byEvent: (event) => lines.filter((l) => l['event'] === event),
  };
}
