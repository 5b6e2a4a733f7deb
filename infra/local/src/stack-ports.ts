// The local stack's fixed service ports (`npm start`): start-stack.ts binds them, and the test of
// `npm start` checks them. The emulators' ports come from firebase.json.
export const STACK_PORTS = { standIn: 12111, webhook: 8787, apply: 8788, app: 8789, reportUsage: 8790, exampleHost: 8791 } as const;
