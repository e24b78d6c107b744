// npm run schema: writes schema/answers.schema.json from the option table.
import { writeFileSync } from 'node:fs';
import { answersJsonSchema } from '../dist/src/answers/json-schema.js';

writeFileSync(new URL('../schema/answers.schema.json', import.meta.url), `${JSON.stringify(answersJsonSchema(), null, 2)}\n`);
console.log('wrote schema/answers.schema.json');
