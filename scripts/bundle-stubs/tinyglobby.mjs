// Stand-in for `tinyglobby` inside the published bundle: node-plop uses it
// only for its addMany action, which create-devops-stack never uses (our one
// action type renders into memory).
export function globSync() {
  throw new Error('plop addMany is not used by create-devops-stack');
}
