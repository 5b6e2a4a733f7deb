// The child side of load-generator-process.ts: holds the defined targets and runs the closed loop
// over keep-alive connections when asked. Started by `startLoadGenerator()`, never by hand.
import { Agent, request } from 'node:http';
import { serveBenchRequests } from './bench-child.js';
import { closedLoop } from './closed-loop-load.js';
import type { ChildAnswer, LoadRequest, ParentMessage } from './load-generator-process.js';

const targets = new Map<string, { url: URL; requests: readonly LoadRequest[] }>();

function send(agent: Agent, url: URL, spec: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: spec.method ?? 'GET', headers: spec.headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(spec.body);
  });
}

serveBenchRequests<ParentMessage, ChildAnswer>(async (message) => {
  if (message.kind === 'define') {
    targets.set(message.name, { url: new URL(message.url), requests: message.requests });
    return { kind: 'defined' };
  }
  const target = targets.get(message.name);
  if (!target) throw new Error(`no target named ${message.name}`);
  const agent = new Agent({ keepAlive: true, maxSockets: message.concurrency });
  const { url, requests } = target;
  try {
    return {
      kind: 'sample',
      sample: await closedLoop((i) => send(agent, url, requests[i % requests.length]!), message.concurrency, message.durationMs),
    };
  } finally {
    agent.destroy();
  }
});
