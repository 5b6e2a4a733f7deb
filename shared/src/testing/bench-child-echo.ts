// A bench child for bench-child.test.ts only: echoes, fails or exits as asked.
import { serveBenchRequests } from './bench-child.js';

export type EchoRequest =
  { kind: 'echo'; text: string } | { kind: 'throw'; text: string } | { kind: 'reject'; text: string } | { kind: 'exit'; code: number };

serveBenchRequests<EchoRequest, string>((request) => {
  switch (request.kind) {
    case 'echo':
      return request.text;
    case 'throw':
      throw new Error(request.text);
    case 'reject':
      return Promise.reject(new Error(request.text));
    case 'exit':
      return process.exit(request.code);
  }
});
