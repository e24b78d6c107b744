// Runs the built CLI with the given argv, SIGKILLing itself right after the
// N-th rename: a crash at an exact point of an apply, without any hook in the
// product code. Usage: node crash-apply.mjs <N> <cli args...>
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const killAfter = Number(process.argv[2]);
const realRename = fs.renameSync;
let renames = 0;
fs.renameSync = (...args) => {
  realRename(...args);
  renames++;
  if (process.env.COUNT_RENAMES) fs.writeSync(2, `rename ${renames}\n`);
  if (renames === killAfter) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
process.argv = [process.argv[0], 'create-devops-stack', ...process.argv.slice(3)];
await import('../../dist/src/cli/main.js');
