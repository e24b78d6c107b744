/**
 * A mistake the user can fix (bad flag, bad answers file, conflicting file...).
 * The CLI prints `message` as one line and exits with `exitCode`; the stack is
 * only shown with --verbose. Anything else that reaches main.ts is a bug.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** The user pressed Ctrl-C at a prompt: nothing was written, exit 130. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled, nothing was written');
  }
}

/*
 * By name rather than instanceof: the published bundle evaluates the commands
 * apart from main.ts (scripts/bundle.mjs), so each side has its own copy of
 * these classes.
 */
export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === 'UserError';
}

export function isCancelled(e: unknown): e is CancelledError {
  return e instanceof Error && e.name === 'CancelledError';
}
