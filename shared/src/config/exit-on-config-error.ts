// The one way a deployable fails at start-up on bad configuration: a single JSON line that Cloud
// Logging reads as a CRITICAL entry (the error alert fires on it) listing every problem, then a
// non-zero exit so Cloud Run marks the revision or instance as failed. It is written directly,
// not through the logger, because the logger's level is itself configuration.
import { ConfigError } from './parse-env.js';

export interface ConfigFailureIo {
  write(line: string): void;
  exit(code: number): never;
}

const processIo: ConfigFailureIo = {
  write: (line) => process.stderr.write(line),
  exit: (code) => process.exit(code),
};

/** `load()`, or on a ConfigError the CRITICAL `config.invalid` line and exit 1; other errors propagate. */
export function exitOnConfigError<T>(service: string, load: () => T, io: ConfigFailureIo = processIo): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const line = {
      severity: 'CRITICAL',
      event: 'config.invalid',
      service,
      message: `${service}: invalid configuration, refusing to start`,
      problems: err.problems,
    };
    io.write(`${JSON.stringify(line)}\n`);
    return io.exit(1);
  }
}
