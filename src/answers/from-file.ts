import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { UserError } from '../errors.js';
import { answersJsonSchema } from './json-schema.js';
import type { Answers } from './options.js';

/** Validates parsed answers JSON against the published schema. `source` names it in errors. */
export function validateAnswersObject(data: unknown, source: string): Partial<Answers> {
  // verbose: errors carry the failing value and its schema (for a pattern's description).
  const ajv = new Ajv2020({ allErrors: false, strict: true, verbose: true });
  const validate = ajv.compile(answersJsonSchema());
  if (!validate(data)) {
    const err = validate.errors?.[0];
    const where = err?.instancePath ? err.instancePath.slice(1).replace(/\//g, '.') : 'top level';
    const description = (err?.parentSchema as { description?: unknown } | undefined)?.description;
    // A regular expression says little to the user; the description of the form it checks says more.
    if (err?.keyword === 'pattern' && typeof description === 'string') throw new UserError(`${source}: ${where} '${String(err.data)}' is not valid (${description})`);
    const allowed = err?.params && 'allowedValues' in err.params ? ` (${(err.params.allowedValues as string[]).join(', ')})` : '';
    const extra = err?.params && 'additionalProperty' in err.params ? ` '${String(err.params.additionalProperty)}'` : '';
    throw new UserError(`${source}: ${where} ${err?.message ?? 'is invalid'}${extra}${allowed}`);
  }
  const { $schema: _ignored, ...answers } = data as Record<string, unknown>;
  return answers as Partial<Answers>;
}

/** Reads and validates an `--answers` file. */
export function readAnswersFile(path: string): Partial<Answers> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`--answers ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    // A byte-order mark (some Windows editors write one) is not part of the JSON.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UserError(`--answers ${path}: not valid JSON (${(e as Error).message})`);
  }
  return validateAnswersObject(data, `--answers ${path}`);
}
