import { styleText } from 'node:util';
import { isTerminal, writeFd, type StdioFd } from './stdio.js';

type Style = 'green' | 'yellow' | 'red' | 'cyan' | 'dim' | 'bold';

/**
 * Where the CLI prints: `out` for results (plan, JSON), `err` for progress and
 * messages. Colour only when stdout is a terminal, and never with NO_COLOR or
 * --no-color.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  color(style: Style, text: string): string;
}

/** `write` and `isTty` default to the process's own descriptors (see stdio.ts); tests pass their own. */
export function createOutput(opts: { color: boolean }, write: (fd: StdioFd, text: string) => void = writeFd, isTty: () => boolean = () => isTerminal(1)): Output {
  const useColor = opts.color && !('NO_COLOR' in process.env) && process.env['TERM'] !== 'dumb' && isTty();
  return {
    out: (t) => write(1, `${t}\n`),
    err: (t) => write(2, `${t}\n`),
    color: (style, text) => (useColor ? styleText(style, text) : text),
  };
}
