// The JSON Schema of each notification type and version, generated from the zod schemas
// (messages.ts) and committed in schemas/ for hosts in any language. The test beside this file fails
// when the committed files and the schemas differ; regenerate with
//   npx tsx shared/src/notifications/json-schemas.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NOTIFICATION_SCHEMAS } from './messages.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('./schemas/', import.meta.url));

/** File name → JSON text (2-space indented, trailing newline). */
export function notificationJsonSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const { type, schema } of NOTIFICATION_SCHEMAS) {
    const json = {
      $id: `https://billing.example/schemas/notifications/${type}.v1.json`,
      title: `${type} (version 1)`,
      ...z.toJSONSchema(schema, { io: 'output' }),
    };
    files[`${type}.v1.json`] = `${JSON.stringify(json, null, 2)}\n`;
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(notificationJsonSchemas())) writeFileSync(`${SCHEMAS_DIR}${name}`, text);
}
