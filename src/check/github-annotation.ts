import type { Finding } from './types.js';

/**
 * A finding as a GitHub Actions workflow command (`::error file=…,line=…::…`):
 * in a workflow run GitHub shows it on the file and line of the pull request,
 * not only in the log. Escaping as in @actions/core: the message may hold no
 * raw newline, and the properties no raw `:` or `,` either.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-an-error-message
 */
export function githubAnnotation(f: Finding): string {
  const props = [`file=${escapeProperty(f.path)}`];
  if (f.line !== null) props.push(`line=${f.line}`);
  props.push(`title=${escapeProperty(f.rule)}`);
  return `::${f.severity} ${props.join(',')}::${escapeData(f.message)}`;
}

const escapeData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (s: string) => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');
