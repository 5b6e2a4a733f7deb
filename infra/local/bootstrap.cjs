// Makes `npm start` and `npm test` work on a fresh clone: installs the dependencies (which bring
// the project's Node 24, package `node`) when they are missing, installs Debian's Chromium for the
// browser tests when it is missing, then runs the real script under the pinned Node.
// Plain CommonJS on purpose: on a fresh clone it runs on whatever Node npm itself runs on.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const script = process.argv[2];
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(path.join(root, 'node_modules/.package-lock.json')) || !existsSync(path.join(root, 'node_modules/.bin/tsx'))) {
  console.log('Installing dependencies (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (script === 'test:all' && !existsSync('/usr/bin/chromium')) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error("The browser tests need Debian's Chromium: run `sudo apt-get install -y chromium`, then npm test again.");
    process.exit(1);
  }
  console.log("Installing Debian's chromium for the browser tests...");
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', 'chromium']);
}

// The real script runs as a child that handles Ctrl-C itself (the stack stops everything it
// started): this process must outlive it, so it ignores SIGINT, forwards SIGTERM and exits with
// the child's status.
const child = spawn('npm', ['run', '--silent', script, '--', ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
