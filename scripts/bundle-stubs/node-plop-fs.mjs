// Stand-in for node-plop's src/fs-promise-proxy.js inside the published
// bundle. The original reads fs.promises.readdir/stat/chmod when it loads,
// which makes Node load its fs/promises module (~1.5 ms) on every run, for
// plop's own file actions: create-devops-stack renders in memory and writes
// through its own transaction. The same functions, reading fs.promises on call.
import fs from 'node:fs';

export const makeDir = (path) => fs.promises.mkdir(path, { recursive: true });
export const readdir = (...args) => fs.promises.readdir(...args);
export const stat = (...args) => fs.promises.stat(...args);
export const chmod = (...args) => fs.promises.chmod(...args);
export const readFile = (path) => fs.promises.readFile(path, 'utf8');
export const writeFile = (path, data) => fs.promises.writeFile(path, data, 'utf8');
export const readFileRaw = (path) => fs.promises.readFile(path, null);
export const writeFileRaw = (path, data) => fs.promises.writeFile(path, data, null);
export const fileExists = (path) =>
  fs.promises.access(path).then(
    () => true,
    () => false,
  );
export const constants = fs.constants;
