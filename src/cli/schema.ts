/** npm run schema: regenerates rules/*.schema.json from the zod schemas. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR } from '../rules/load.ts';
import { jsonSchemas } from '../rules/jsonschema.ts';

for (const [name, text] of Object.entries(jsonSchemas())) {
  writeFileSync(join(DEFAULT_RULES_DIR, name), text);
  process.stderr.write(`wrote rules/${name}\n`);
}
