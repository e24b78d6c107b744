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

/**
 * Errors of the machine rather than of the tool, which the user can fix: a
 * file they may not read or write, a read-only or full disk. Node's errno
 * codes, in words.
 */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
};

/** `permission denied (mkdir /x/y)` for such an error; null for anything else (a bug, to be reported). */
export function describeSystemError(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException;
  const words = typeof err?.code === 'string' ? SYSTEM_ERRORS[err.code] : undefined;
  if (!(e instanceof Error) || words === undefined) return null;
  const where = [err.syscall, err.path].filter((x) => typeof x === 'string' && x !== '').join(' ');
  return where === '' ? words : `${words} (${where})`;
}
