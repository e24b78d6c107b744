// Stand-in for node:module inside node-plop, in the published bundle.
// node-plop's createRequire serves one call, made when it starts: reading
// <destBasePath>/package.json for its `pkg` helper. create-devops-stack
// renders in memory with a destBasePath that does not exist
// (src/render/plop-bridge.ts) and never uses `pkg`, so that read always fails
// and node-plop carries on with {}. This require fails the same way without
// loading node:module, which brings Node's ESM loader (~3 ms on every run).
export function createRequire() {
  return (id) => {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  };
}
