// Stand-in for `resolve` inside the published bundle: node-plop uses it only
// in plop.load() (generators from other packages), which create-devops-stack
// never calls: its generators are its own.
export default {
  sync() {
    throw new Error('plop load() is not used by create-devops-stack');
  },
};
