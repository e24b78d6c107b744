// Runs the built CLI with the given argv and SIGKILLs itself at an exact
// point of an apply, without any hook in the product code.
// Usage: node crash-apply.mjs <N> <cli args...>
//        node crash-apply.mjs <N> --recover <dir>: only the recovery every
//        writing command starts with (recoverInterrupted), without the CLI's start-up.
//   CRASH_COUNT=renames (default): killed right after the N-th rename.
//   CRASH_COUNT=ops: every change to the filesystem under CRASH_ROOT counts
//     (open for writing, write, fsync, close, rename, unlink, mkdir, rmdir);
//     killed right after the N-th, or, when it is a write, after writing only
//     the first half of its bytes (a torn write).
//   COUNT_RENAMES=1 / COUNT_OPS=1: log each counted operation to stderr (at
//     exit: a write to a full stderr pipe mid-apply would fail the apply).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const killAt = Number(process.argv[2]);
const countOps = process.env.CRASH_COUNT === 'ops';
const root = process.env.CRASH_ROOT ? fs.realpathSync(process.env.CRASH_ROOT) : null;
const log = Boolean(process.env.COUNT_RENAMES || process.env.COUNT_OPS);
const real = { ...fs };
const die = () => process.kill(process.pid, 'SIGKILL');

const lines = [];
process.on('exit', () => {
  let out = Buffer.from(lines.join(''));
  while (out.length > 0) {
    try {
      out = out.subarray(real.writeSync(2, out));
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
});

let n = 0;
/** Counts one operation (already done); kills when it was the N-th. */
const counted = (name, detail) => {
  n++;
  if (log) lines.push(countOps ? `op ${n} ${name} ${detail}\n` : `rename ${n}\n`);
  if (n === killAt) die();
};
const inRoot = (p) => root !== null && (path.resolve(String(p)) + path.sep).startsWith(root + path.sep);
const writing = (flags) => (typeof flags === 'string' ? /[wa+]/.test(flags) : typeof flags === 'number' && (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0);
/** Descriptors opened for writing under the root: their writes, fsyncs and closes count. */
const fds = new Map();

fs.renameSync = (from, to) => {
  real.renameSync(from, to);
  if (!countOps || inRoot(from) || inRoot(to)) counted('rename', `${from} -> ${to}`);
};
if (countOps) {
  fs.openSync = (p, flags, mode) => {
    const fd = real.openSync(p, flags, mode);
    if (inRoot(p) && writing(flags)) {
      fds.set(fd, String(p));
      counted('open', p);
    }
    return fd;
  };
  fs.writeSync = (fd, data, ...rest) => {
    if (!fds.has(fd)) return real.writeSync(fd, data, ...rest);
    if (n + 1 === killAt) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      real.writeSync(fd, bytes.subarray(0, Math.floor(bytes.length / 2)));
      die();
    }
    const r = real.writeSync(fd, data, ...rest);
    counted('write', fds.get(fd));
    return r;
  };
  fs.fsyncSync = (fd) => {
    real.fsyncSync(fd);
    if (fds.has(fd)) counted('fsync', fds.get(fd));
  };
  fs.closeSync = (fd) => {
    real.closeSync(fd);
    const p = fds.get(fd);
    if (p !== undefined) {
      fds.delete(fd);
      counted('close', p);
    }
  };
  for (const name of ['unlinkSync', 'mkdirSync', 'rmdirSync']) {
    fs[name] = (p, ...rest) => {
      const r = real[name](p, ...rest);
      if (inRoot(p)) counted(name.replace('Sync', ''), p);
      return r;
    };
  }
}
syncBuiltinESMExports();
if (process.argv[3] === '--recover') {
  const { recoverInterrupted } = await import('../../dist/src/apply/transaction.js');
  recoverInterrupted(process.argv[4]);
} else {
  process.argv = [process.argv[0], 'create-devops-stack', ...process.argv.slice(3)];
  await import('../../dist/src/cli/bin.js');
}
