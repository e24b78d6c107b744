import { fstatSync, statSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * The CLI's output goes straight to file descriptors 1 and 2, not through
 * process.stdout / process.stderr: creating those streams loads Node's
 * stream, net and tty modules, a few milliseconds on every run for a few
 * lines of text. Writes are synchronous, as Node's own stdio is for files,
 * pipes and terminals, so output and exit never race.
 */
export type StdioFd = 1 | 2;

/** Descriptors whose reader has gone (EPIPE, e.g. `| head`): later writes are dropped, as the output is unwanted. */
const readerGone = new Set<number>();
/** What Atomics.wait sleeps on, made when first needed. */
let pause: Int32Array | undefined;

/** Writes all of `text` to `fd`, waiting out a non-blocking descriptor that is full. */
export function writeFd(fd: StdioFd, text: string): void {
  if (readerGone.has(fd)) return;
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        readerGone.add(fd);
        return;
      }
      // A descriptor the parent made non-blocking, and full: give the reader a moment.
      if (code !== 'EAGAIN') throw e;
      Atomics.wait((pause ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, 5);
    }
  }
}

/**
 * Whether `fd` is a terminal. Only a character device can be one, and
 * fstat tells that without loading Node's tty module (the bundle loads it on
 * first call, see scripts/bundle.mjs; ~4 ms). The other character device a
 * CLI commonly gets is /dev/null (`>/dev/null`, CI runners, cron), which
 * stat tells apart as well.
 */
export function isTerminal(fd: 0 | StdioFd): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice() || st.rdev === statSync('/dev/null', { throwIfNoEntry: false })?.rdev) return false;
  } catch {
    return false;
  }
  return isatty(fd);
}
