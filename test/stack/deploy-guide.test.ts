import { describe, expect, it } from 'vitest';
import { repoNameUses } from '../../src/stack/deploy-guide.js';

describe('repoNameUses', () => {
  it('names only what the generated layers derive from OWNER/REPO', () => {
    const bare = repoNameUses({ cloud: 'aws', iac: 'none', monitoring: 'none' });
    expect(bare).toEqual(['the OIDC subjects docs/deploy/pipeline.md tells you to trust']);
  });

  it('with IaC: the OIDC trust and the state store; on Azure the registry; with monitoring the runbook links', () => {
    const all = repoNameUses({ cloud: 'azure', iac: 'opentofu', monitoring: 'prometheus' }).join('\n');
    expect(all).toContain('OpenTofu refuses it');
    expect(all).toContain("the state storage account's globally unique name");
    expect(all).toContain('container registry');
    expect(all).toContain('runbook links');
    // ECR and Artifact Registry repositories are named after the service, not the repository.
    const gcp = repoNameUses({ cloud: 'gcp', iac: 'terraform', monitoring: 'none' }).join('\n');
    expect(gcp).toContain("the state bucket's globally unique name");
    expect(gcp).not.toMatch(/registry|runbook/);
  });
});
