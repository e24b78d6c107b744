import { UserError } from '../errors.js';
import { OPTION_NAMES, OPTIONS, type Answers, type OptionName } from './options.js';
import { valueError } from './validate-value.js';

/**
 * Stored answers (the manifest's) checked against the option table without
 * loading a JSON Schema validator: each key must be an option and each value
 * valid. Missing keys are fine: options added since take their defaults.
 */
export function validateStoredAnswers(data: unknown, source: string): Partial<Answers> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UserError(`${source}: answers must be an object`);
  const out: Partial<Answers> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(OPTION_NAMES as string[]).includes(key)) throw new UserError(`${source}: answers.${key} is not an option of this version`);
    const err = valueError(key as OptionName, value);
    if (err !== null) throw new UserError(`${source}: answers.${key} (--${OPTIONS[key as OptionName].flag}) ${err}`);
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
