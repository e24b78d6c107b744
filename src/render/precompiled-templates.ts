import type { TemplateSpec } from './handlebars-env.js';

/**
 * The spec `Handlebars.precompile` made at build time for a template (path
 * under templates/), or undefined. The published bundle (scripts/bundle.mjs)
 * replaces this module with one that takes them from the bundle's templates
 * chunk, so `npx create-devops-stack` never runs the template compiler. From
 * source (tests, dist/src) there are none: templates are compiled from their
 * files.
 */
export function precompiledSpec(_name: string): TemplateSpec | undefined {
  return undefined;
}
