// Stand-in for `inquirer` inside the published bundle. node-plop imports it
// at load time for plop's own prompts (with rxjs and friends, ~200 ms of
// startup); create-devops-stack never uses them: its prompts are
// @inquirer/confirm, input and select, loaded only when a question is asked.
const prompt = Object.assign(
  () => {
    throw new Error('plop prompts are not used by create-devops-stack');
  },
  { prompts: {} },
);
export default { registerPrompt() {}, prompt, createPromptModule: () => prompt };
