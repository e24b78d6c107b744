import { styleText } from 'node:util';

type Style = 'green' | 'yellow' | 'red' | 'cyan' | 'dim' | 'bold';

/**
 * Where the CLI prints: `out` for results (plan, JSON), `err` for progress and
 * messages. Colour only on a TTY, and never with NO_COLOR or --no-color.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  color(style: Style, text: string): string;
}

export function createOutput(opts: { color: boolean }, stdout = process.stdout, stderr = process.stderr): Output {
  const useColor = opts.color && stdout.isTTY === true && !('NO_COLOR' in process.env) && process.env['TERM'] !== 'dumb';
  return {
    out: (t) => stdout.write(`${t}\n`),
    err: (t) => stderr.write(`${t}\n`),
    color: (style, text) => (useColor ? styleText(style, text) : text),
  };
}
