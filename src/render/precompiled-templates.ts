/**
 * Handlebars templates precompiled at bundle time: path under templates/ ->
 * the JavaScript source of the spec `Handlebars.precompile` returns. The
 * bundle (scripts/bundle.mjs) replaces this module, so `npx
 * create-devops-stack` never runs the template compiler. The specs stay
 * strings until a template is used: V8 scans a string far faster than it
 * parses code. From source (tests, dist/) this is empty and templates are
 * compiled from their files.
 */
export const PRECOMPILED: Readonly<Record<string, string>> = {};
