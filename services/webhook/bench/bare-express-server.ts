// The start-up bench's baseline: the smallest Express server, built and run like the deployables
// (bundled by esbuild, express left external, run with node). From process start to its first 200
// is what any Express service costs before its own work.
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.status(200).send('ok');
});
app.listen(Number(process.env['PORT'] ?? 8080), '127.0.0.1');
