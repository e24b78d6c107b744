import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import select from '@inquirer/select';
import { CancelledError } from '../errors.js';
import type { AskFn } from './resolve.js';
import { parseFlagValue, valueError } from './validate-value.js';

/**
 * The interactive side of answer resolution, loaded only when a TTY asks
 * questions (never under --yes or in CI). Detected defaults say "(detected)".
 */
export const askWithInquirer: AskFn = async (name, spec, defaultValue, detected, choices, answers) => {
  const message = `${spec.message}${detected ? ' (detected)' : ''}`;
  return cancellable(async () => {
    if (choices) {
      return select({ message, default: defaultValue as string, choices: choices.map((c) => ({ value: c, name: c })) });
    }
    const shown = Array.isArray(defaultValue) ? defaultValue.join(',') : String(defaultValue);
    const raw = await input({
      message,
      default: shown,
      validate: (text) => valueError(name, parseFlagValue(name, text), answers) ?? true,
    });
    return parseFlagValue(name, raw);
  });
};

/** "Write these N files?" after the plan is shown. */
export async function confirmWrite(message: string): Promise<boolean> {
  return cancellable(() => confirm({ message, default: true }));
}


async function cancellable<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    // @inquirer prompts throw ExitPromptError on Ctrl-C.
    if (e instanceof Error && e.name === 'ExitPromptError') throw new CancelledError();
    throw e;
  }
}
