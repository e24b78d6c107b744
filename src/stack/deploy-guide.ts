import type { Answers } from '../answers/options.js';

/** What DEPLOY.md, the stack's own guide, derives from the answers. */
export interface DeployGuide {
  /**
   * What this stack derives from the GitHub OWNER/REPO, in words: DEPLOY.md
   * lists them when the stack was generated without a remote (placeholders).
   */
  repoNameUses: string[];
}

/** Only the parts generated for these answers: without IaC no state store, without monitoring no runbook links. */
export function repoNameUses(a: Pick<Answers, 'cloud' | 'iac' | 'monitoring'>): string[] {
  const uses: string[] = [];
  if (a.iac === 'none') {
    uses.push('the OIDC subjects docs/deploy/pipeline.md tells you to trust');
  } else {
    const tool = a.iac === 'opentofu' ? 'OpenTofu' : 'Terraform';
    uses.push(`the OIDC trust \`infra/\` creates (${tool} refuses it)`);
    uses.push(`the state ${a.cloud === 'azure' ? 'storage account' : 'bucket'}'s globally unique name`);
  }
  // Registry names are global on Azure only; ECR and Artifact Registry repositories are named after the service.
  if (a.cloud === 'azure') uses.push('the container registry\'s globally unique name, which the workflows push to');
  if (a.monitoring !== 'none') uses.push('the alerts\' runbook links and the dashboard\'s');
  return uses;
}

export function buildDeployGuide(a: Pick<Answers, 'cloud' | 'iac' | 'monitoring'>): DeployGuide {
  return { repoNameUses: repoNameUses(a) };
}
