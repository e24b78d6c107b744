import { OPTIONS, type Answers, type OptionName, type OptionSpec } from './options.js';

/**
 * Checks one value against its option spec (and, for dependent choices, the
 * answers so far). Returns the error text without the option's name, or null.
 * Flags, the answers file and prompts all go through here.
 */
export function valueError(name: OptionName, value: unknown, answers: Partial<Answers> = {}): string | null {
  const spec = OPTIONS[name] as OptionSpec;
  switch (spec.kind) {
    case 'choice': {
      const allowed = spec.choicesFor ? spec.choicesFor(answers) : spec.choices;
      return typeof value === 'string' && allowed.includes(value) ? null : `${show(value)} is not one of ${allowed.join(', ')}`;
    }
    case 'list': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return 'must be a list of names';
      if (value.length < spec.minItems || value.length > spec.maxItems) return `needs ${spec.minItems} to ${spec.maxItems} names`;
      const re = new RegExp(spec.item.pattern);
      const bad = value.find((v) => !re.test(v));
      return bad === undefined ? null : `${show(bad)} is not valid (${spec.item.description})`;
    }
    case 'string': {
      const form = spec.formFor?.(answers) ?? spec;
      if (typeof value !== 'string' || value.length > spec.maxLength || !new RegExp(form.pattern).test(value)) {
        return `${show(value)} is not valid (${form.description})`;
      }
      return null;
    }
    case 'integer':
    case 'number': {
      const ok = typeof value === 'number' && Number.isFinite(value) && (spec.kind === 'number' || Number.isInteger(value));
      return ok && (value as number) >= spec.minimum && (value as number) <= spec.maximum
        ? null
        : `${show(value)} must be ${spec.kind === 'integer' ? 'a whole number' : 'a number'} from ${spec.minimum} to ${spec.maximum}`;
    }
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}

/** Turns a flag's text into the option's type (validation happens in valueError). */
export function parseFlagValue(name: OptionName, raw: string): unknown {
  const spec = OPTIONS[name] as OptionSpec;
  switch (spec.kind) {
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'integer':
    case 'number':
      return /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
    default:
      // A folder as tab completion types it: services/api/.
      return name === 'serviceDir' && raw.length > 1 ? raw.replace(/\/+$/, '') : raw;
  }
}
