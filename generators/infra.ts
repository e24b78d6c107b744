import type { LayerGenerator, RenderAction } from './layer.js';
import type { Stack } from '../src/stack/types.js';
import { TFLINT_CONFIG_PATH } from '../src/stack/infra.js';

/** Files of each shared module, per cloud: templates/infra/<cloud>/modules/<module>/<file>.hbs. */
const MODULES: Readonly<Record<Stack['answers']['cloud'], readonly string[]>> = {
  aws: ['network', 'service', 'github-oidc', 'monitoring'],
  gcp: ['service', 'github-oidc', 'monitoring'],
  azure: ['service', 'github-oidc', 'monitoring'],
};
const MODULE_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'README.md'] as const;
const ROOT_FILES = ['versions.tf', 'main.tf', 'variables.tf', 'outputs.tf'] as const;

const render = (template: string, path: string): RenderAction => ({ type: 'render', template, path });

/** Which infra templates to render where. Pure: the Stack decides everything. */
export function infraActions(stack: Stack): RenderAction[] {
  const cloud = stack.answers.cloud;
  const base = `infra/${cloud}`;
  const actions: RenderAction[] = [];
  for (const file of ROOT_FILES) actions.push(render(`${base}/bootstrap/${file}.hbs`, `infra/bootstrap/${file}`));
  for (const mod of MODULES[cloud]) {
    // The monitoring module exists only when the IaC provisions managed Prometheus.
    if (mod === 'monitoring' && !stack.is.managedPrometheus) continue;
    actions.push(render(`${base}/modules/versions.tf.hbs`, `infra/modules/${mod}/versions.tf`));
    for (const file of MODULE_FILES) actions.push(render(`${base}/modules/${mod}/${file}.hbs`, `infra/modules/${mod}/${file}`));
  }
  for (const env of stack.infra.envs) {
    // Every env root is the same code; the directory name selects its settings.
    for (const file of [...ROOT_FILES, 'providers.tf'])
      actions.push(render(`${base}/env/${file}.hbs`, `${env.dir}/${file}`));
  }
  actions.push(render('infra/common/tflint.hcl.hbs', TFLINT_CONFIG_PATH));
  actions.push(render('infra/common/infra.yml.hbs', `.github/workflows/${stack.infra.workflowFile}`));
  actions.push(render('infra/common/infra.md.hbs', 'docs/deploy/infra.md'));
  return actions;
}

/** Terraform/OpenTofu roots, shared modules, the infra workflow and its docs. */
export const infraLayer: LayerGenerator = {
  name: 'infra',
  description: 'Terraform/OpenTofu: bootstrap, shared modules, one root per environment, infra workflow',
  options: ['cloud', 'runtime', 'iac', 'environments', 'strategy', 'monitoring', 'region', 'serviceName', 'port', 'healthPath'],
  enabled: (stack) => stack.answers.iac !== 'none',
  actions: infraActions,
};
