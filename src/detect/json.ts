/** Lenient JSON readers: manifests are user files, so bad input means "unknown", never a crash. */

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** Parses a JSON object; null when the text is missing, invalid or not an object. */
export function parseJsonObject(text: string | undefined): JsonObject | null {
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Parses JSON with comments and trailing commas (tsconfig.json is JSONC). */
export function parseJsoncObject(text: string | undefined): JsonObject | null {
  if (text === undefined) return null;
  return parseJsonObject(stripJsonc(text));
}

function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // Copy strings verbatim so '//' inside a string survives.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string-valued property, or null. */
export function stringProp(obj: JsonObject | null, key: string): string | null {
  const v = obj?.[key];
  return typeof v === 'string' ? v : null;
}

/** An object-valued property with string values (e.g. `scripts`), or {}. */
export function stringMap(obj: JsonObject | null, key: string): Record<string, string> {
  const v = obj?.[key];
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** The strings of an array value, or []. */
export function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
