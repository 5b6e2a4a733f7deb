// Fails fast when the scripts run on a Node other than the one the project pins (package.json
// "engines"): npm puts node_modules/.bin (Node from the `node` package) first on PATH for scripts.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(`This project runs on Node 24 (found ${process.version}). Run it through npm scripts after npm ci.`);
  process.exit(1);
}
console.log(`node ${process.version}`);
