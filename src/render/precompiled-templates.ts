/**
 * The spec `Handlebars.precompile` made at build time for a template (path
 * under templates/), as JavaScript source, or undefined. The published bundle
 * (scripts/bundle.mjs) replaces this module with one that reads
 * dist/templates.json, so `npx create-devops-stack` never runs the template
 * compiler. From source (tests, dist/src) there are none: templates are
 * compiled from their files.
 */
export function precompiledSpec(_name: string): string | undefined {
  return undefined;
}
