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

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
