/**
 * `text` in the line endings of `like`: CRLF when every line of `like` ends
 * so, else as is. A user who turned a generated file to CRLF (an editor, a
 * Windows checkout) has not edited every line: the merge sees it that way.
 */
export function matchEol(text: string, like: string): string {
  if (!usesCrlf(like) || usesCrlf(text)) return text;
  return text.replace(/\r?\n/g, '\r\n');
}

function usesCrlf(text: string): boolean {
  const lf = text.split('\n').length - 1;
  return lf > 0 && text.split('\r\n').length - 1 === lf;
}
