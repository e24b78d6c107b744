import { CLOUDS, OPTION_NAMES, OPTIONS, REGION_FORMS, type OptionSpec } from './options.js';

type JsonSchema = Record<string, unknown>;

function propertySchema(spec: OptionSpec): JsonSchema {
  switch (spec.kind) {
    case 'choice':
      return { type: 'string', enum: [...spec.choices], description: spec.message };
    case 'list':
      return {
        type: 'array',
        description: spec.message,
        items: { type: 'string', pattern: spec.item.pattern, description: spec.item.description },
        minItems: spec.minItems,
        maxItems: spec.maxItems,
        uniqueItems: true,
      };
    case 'string':
      return { type: 'string', pattern: spec.pattern, maxLength: spec.maxLength, description: `${spec.message}: ${spec.description}` };
    case 'integer':
    case 'number':
      return { type: spec.kind, minimum: spec.minimum, maximum: spec.maximum, description: spec.message };
  }
}

/**
 * JSON Schema (draft 2020-12) for the answers file, derived from the option
 * table. Every key is optional: what is missing is detected or defaulted.
 * Shipped as schema/answers.schema.json and used to validate `--answers`.
 */
export function answersJsonSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = { $schema: { type: 'string' } };
  for (const name of OPTION_NAMES) properties[name] = propertySchema(OPTIONS[name] as OptionSpec);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://unpkg.com/create-devops-stack/schema/answers.schema.json',
    title: 'create-devops-stack answers',
    description: 'Choices for npx create-devops-stack --answers <file>. Missing keys are detected or take their default.',
    type: 'object',
    additionalProperties: false,
    properties,
    allOf: regionPerCloud(),
  };
}

/** Where the file names its cloud, the region must be in that cloud's form (src/answers/options.ts REGION_FORMS). */
function regionPerCloud(): JsonSchema[] {
  return CLOUDS.map((cloud) => ({
    if: { type: 'object', properties: { cloud: { const: cloud } }, required: ['cloud'] },
    then: { type: 'object', properties: { region: { type: 'string', pattern: REGION_FORMS[cloud].pattern, description: `${OPTIONS.region.message}: ${REGION_FORMS[cloud].description}` } } },
  }));
}
