import type { LayerGenerator, RenderAction } from './layer.js';

const DIR = 'pipeline/github-actions';

/** GitHub Actions CI, deploy, rollback and weekly upgrade workflows, their scripts, Dependabot and the pipeline docs. */
export const pipelineLayer: LayerGenerator = {
  name: 'pipeline',
  description: 'GitHub Actions CI, staged deploys, rollback, weekly stack upgrades and Dependabot',
  options: ['language', 'cloud', 'runtime', 'environments', 'strategy', 'monitoring', 'ci', 'serviceDir', 'region', 'healthPath'],
  enabled: (stack) => stack.answers.ci === 'github-actions',
  actions: (stack) => {
    const f = stack.pipeline.files;
    const wf = (template: string, name: string): RenderAction => ({
      type: 'render',
      template: `${DIR}/.github/workflows/${template}.hbs`,
      path: `.github/workflows/${name}`,
    });
    const script = (name: string): RenderAction => ({
      type: 'render',
      template: `${DIR}/.github/scripts/${name}.hbs`,
      path: `${stack.pipeline.scriptsDir}/${name}`,
      executable: true,
    });
    return [
      wf('ci.yml', f.ci),
      wf('_build.yml', f.build),
      wf('deploy.yml', f.deploy),
      wf('rollback.yml', f.rollback),
      // Already prefixed: a workflow of this exact name is one we wrote (the plan refuses to clobber any other).
      wf('devops-stack-upgrade.yml', 'devops-stack-upgrade.yml'),
      script(stack.pipeline.deployScript),
      script('smoke-test.sh'),
      script('integration-test.sh'),
      script('verify-provenance.sh'),
      ...(stack.pipeline.gate ? [script('metric-gate.sh'), script('synthetic-traffic.sh')] : []),
      // The repository's own dependabot.yml is kept, never written over (generate notes what it lacks).
      ...(stack.pipeline.userDependabot === null ? [{ type: 'render', template: `${DIR}/.github/dependabot.yml.hbs`, path: '.github/dependabot.yml' } as const] : []),
      { type: 'render', template: `${DIR}/docs/deploy-pipeline.md.hbs`, path: 'docs/deploy/pipeline.md' },
    ];
  },
};
