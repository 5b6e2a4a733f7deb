// `node --import tsx run-with-pid-file.ts <pid file> <entry.ts>`: writes this process's pid to the
// pid file, then runs the entry (a composition root such as services/app/src/server.ts) in this
// same process. The crash test starts its children with startProcess (../src/processes.ts), whose
// only way to stop one is the graceful SIGTERM; the pid lets it SIGKILL exactly that process.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pidFile, entry] = process.argv.slice(2);
if (!pidFile || !entry) throw new Error('usage: run-with-pid-file.ts <pid file> <entry.ts>');
writeFileSync(pidFile, String(process.pid));
await import(pathToFileURL(path.resolve(entry)).href);
