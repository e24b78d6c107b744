import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Cloud } from '../../src/answers/options.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { runStepScript, stubCommands } from '../helpers/run-step.js';
import { pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

/**
 * Provenance before deploy (checklist 3.4): the script run for real against
 * stand-in gh, docker and cloud CLIs that log their arguments; and where the
 * workflows run it.
 */
const dir = mkdtempSync(join(tmpdir(), 'verify-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE: Record<Cloud, string> = {
  aws: `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api@${DIGEST}`,
  gcp: `us-central1-docker.pkg.dev/my-project/orders-api/orders-api@${DIGEST}`,
  azure: `ordersapiacr.azurecr.io/orders-api@${DIGEST}`,
};

type Job = { if?: string; permissions?: Record<string, string>; env?: Record<string, string>; steps: Array<{ name?: string; if?: string; run?: string; env?: Record<string, string> }> };

async function pipelineFiles(cloud: Cloud, iac: 'terraform' | 'none' = 'terraform') {
  const stack = buildStack(pipelineAnswers({ language: 'node', cloud, iac }), pipelineFacts('npm'));
  const tree = await renderStack(stack, 'pipeline');
  const read = (path: string) => tree.read(path)!.content;
  return { stack, read, workflow: (name: string) => parseYaml(read(`.github/workflows/${name}`)) as { jobs: Record<string, Job> } };
}

/** Runs the script with stand-ins: `gh` exits with `ghStatus`; every call is logged. */
function runScript(script: string, env: Record<string, string>, ghStatus: number) {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const log = join(bin, 'calls.log');
  const logger = (name: string, status = 0) => `#!/bin/sh\necho "${name} $*" >> "${log}"\nexit ${status}\n`;
  const PATH = stubCommands(bin, {
    gh: logger('gh', ghStatus),
    // docker login reads the password from stdin: record it.
    docker: `#!/bin/sh\necho "docker $* <$(cat)>" >> "${log}"\n`,
    aws: `#!/bin/sh\necho "aws $*" >> "${log}"\necho ecr-password\n`,
    gcloud: `#!/bin/sh\necho "gcloud $*" >> "${log}"\necho gcp-token\n`,
    az: logger('az'),
  });
  const r = runStepScript(`bash ${script}`, { cwd: dir, env: { PATH, GITHUB_REPOSITORY: 'acme/orders-api', GH_TOKEN: 't', ...env } });
  let calls: string[] = [];
  try {
    calls = readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    // No command ran.
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

async function writeScript(cloud: Cloud): Promise<string> {
  const { read } = await pipelineFiles(cloud);
  const script = join(dir, `verify-provenance-${cloud}.sh`);
  writeFileSync(script, read('.github/scripts/verify-provenance.sh'));
  return script;
}

describe('verify-provenance.sh', () => {
  it.each(['aws', 'gcp', 'azure'] as const)('%s: logs in to the image\'s registry, then asks gh for an attestation from this repository', async (cloud) => {
    const script = await writeScript(cloud);
    const ok = runScript(script, { IMAGE: IMAGE[cloud], AWS_REGION: 'us-east-1' }, 0);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const registry = IMAGE[cloud].split('/')[0]!;
    const login = {
      aws: ['aws ecr get-login-password --region us-east-1', `docker login --username AWS --password-stdin ${registry} <ecr-password>`],
      gcp: ['gcloud auth print-access-token', `docker login --username oauth2accesstoken --password-stdin https://${registry} <gcp-token>`],
      azure: ['az acr login --name ordersapiacr'],
    }[cloud];
    // Exactly the build workflow's certificate identity on the default branch: not any workflow, branch or pull request.
    expect(ok.calls).toEqual([...login, `gh attestation verify oci://${IMAGE[cloud]} --repo acme/orders-api --cert-identity https://github.com/acme/orders-api/.github/workflows/_build.yml@refs/heads/main`]);
    expect(ok.stdout).toContain('Provenance verified');
  });

  it('names the signer on the server the run is on, and the build workflow the stack writes', async () => {
    const { stack, read } = await pipelineFiles('aws');
    // The signer is the reusable build workflow this stack generates.
    expect(read(stack.pipeline.attestationSigner)).toContain('attest');
    const script = await writeScript('aws');
    const ghe = runScript(script, { IMAGE: IMAGE.aws, AWS_REGION: 'us-east-1', GITHUB_SERVER_URL: 'https://acme.ghe.com' }, 0);
    expect(ghe.calls.at(-1)).toBe(`gh attestation verify oci://${IMAGE.aws} --repo acme/orders-api --cert-identity https://acme.ghe.com/acme/orders-api/${stack.pipeline.attestationSigner}@refs/heads/${stack.repo.defaultBranch}`);
  });

  it('fails with one clear error when gh finds no attestation from this repository', async () => {
    const script = await writeScript('gcp');
    const refused = runScript(script, { IMAGE: IMAGE.gcp }, 1);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`::error::${IMAGE.gcp} has no build provenance attestation signed by https://github.com/acme/orders-api/.github/workflows/_build.yml@refs/heads/main`);
  });

  it('refuses anything but a digest reference before logging in anywhere', async () => {
    const script = await writeScript('aws');
    for (const image of ['orders-api:latest', `orders-api@${DIGEST} --repo evil/x`, '']) {
      const r = runScript(script, { IMAGE: image, AWS_REGION: 'us-east-1' }, 0);
      expect(r.status, image).not.toBe(0);
      expect(r.calls, image).toEqual([]);
    }
  });
});

describe('provenance in the workflows', () => {
  it.each(['aws', 'gcp', 'azure'] as const)('%s: every deploy job verifies the digest it deploys, after the cloud login and before the deploy, whenever images are attested', async (cloud) => {
    const { stack, workflow, read } = await pipelineFiles(cloud);
    const deploy = workflow('deploy.yml');
    // The attest step's own condition, so nothing is verified that was never attested.
    const attest = Object.values(workflow('_build.yml').jobs).flatMap((j) => j.steps).find((s) => s.name === 'Attest build provenance')!;
    expect(attest.if).toBe(`steps.push.outputs.digest != '' && (${stack.pipeline.attested})`);
    for (const env of stack.pipeline.environments) {
      const job = deploy.jobs[env.deployJob]!;
      expect(job.permissions?.['attestations']).toBe('read');
      expect(job.env?.['IMAGE']).toBe('${{ needs.ci.outputs.image }}@${{ needs.ci.outputs.digest }}');
      const names = job.steps.map((s) => s.name ?? '');
      const verify = names.indexOf('Verify provenance');
      expect(verify, env.name).toBeGreaterThan(names.findIndex((n) => /credentials|auth|login/i.test(n)));
      expect(verify, env.name).toBeLessThan(names.findIndex((n) => n.startsWith('Deploy ')));
      const step = job.steps[verify]!;
      expect(step.if).toBe(stack.pipeline.attested);
      expect(step.env?.['GH_TOKEN']).toBe('${{ github.token }}');
      expect(step.run).toBe('.github/scripts/verify-provenance.sh');
    }
    expect(read('docs/deploy/pipeline.md')).toContain('gh attestation verify');
  });

  it.each(['aws', 'gcp', 'azure'] as const)('%s: a rollback verifies a digest target before redeploying it, not a revision target', async (cloud) => {
    const { stack, workflow } = await pipelineFiles(cloud);
    const job = workflow('rollback.yml').jobs['rollback']!;
    expect(job.permissions?.['attestations']).toBe('read');
    const names = job.steps.map((s) => s.name ?? '');
    const verify = names.indexOf('Verify provenance');
    expect(verify).toBeGreaterThan(names.indexOf('Validate inputs'));
    expect(verify).toBeLessThan(names.indexOf('Redeploy the image digest'));
    expect(job.steps[verify]!.if).toBe(`steps.target.outputs.kind == 'digest' && (${stack.pipeline.attested})`);
  });

  it('a re-run reuses the image already pushed for the commit only once its attestation checks out', async () => {
    const { read } = await pipelineFiles('aws');
    const build = parseYaml(read('.github/workflows/_build.yml')) as { jobs: Record<string, Job> };
    const step = Object.values(build.jobs).flatMap((j) => j.steps).find((s) => s.name === 'Image already pushed for this commit')!;
    const reuse = (attested: string, ghStatus: number) => {
      const bin = mkdtempSync(join(dir, 'bin-'));
      const PATH = stubCommands(bin, {
        docker: `#!/bin/sh\nprintf 'Name: x\\nMediaType: y\\nDigest:    ${DIGEST}\\n'\n`,
        gh: `#!/bin/sh\necho "gh $*" >> "${bin}/gh.log"\nexit ${ghStatus}\n`,
      });
      const out = join(bin, 'out');
      writeFileSync(out, '');
      const r = runStepScript(step.run!, {
        cwd: dir,
        env: { PATH, IMAGE: 'r.example/orders-api', SHA: 'c0ffee', ATTESTED: attested, GH_TOKEN: 't', GITHUB_REPOSITORY: 'acme/orders-api', GITHUB_SERVER_URL: 'https://github.com', GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: join(bin, 'summary') },
      });
      const gh = join(bin, 'gh.log');
      return { status: r.status, stdout: r.stdout, output: readFileSync(out, 'utf8'), gh: existsSync(gh) ? readFileSync(gh, 'utf8') : '' };
    };
    expect(reuse('true', 0)).toMatchObject({ status: 0, output: `digest=${DIGEST}\n`, gh: `gh attestation verify oci://r.example/orders-api@${DIGEST} --repo acme/orders-api --cert-identity https://github.com/acme/orders-api/.github/workflows/_build.yml@refs/heads/main\n` });
    const taken = reuse('true', 1);
    expect(taken.status).toBe(1);
    expect(taken.output).toBe('');
    expect(taken.stdout).toContain('::error::r.example/orders-api:sha-c0ffee exists without a provenance attestation signed by .github/workflows/_build.yml on main');
    // Without attestations (a private repository) there is nothing to check.
    expect(reuse('false', 1)).toMatchObject({ status: 0, output: `digest=${DIGEST}\n` });
  });

  it.each(['aws', 'gcp', 'azure'] as const)('%s without IaC: the docs say what to create by hand, the deploy identity\'s registry read included', async (cloud) => {
    const { stack, read } = await pipelineFiles(cloud, 'none');
    const docs = read('docs/deploy/pipeline.md');
    const section = docs.slice(docs.search(/create by hand/i), docs.indexOf('## GitHub environments'));
    expect(section.length).toBeGreaterThan(200);
    const registryRead = { aws: '`ecr:BatchGetImage`', gcp: '`roles/artifactregistry.reader`', azure: '`AcrPull` on the registry (the provenance check' }[cloud];
    expect(section).toContain(registryRead);
    expect(section).toContain(`repo:${stack.repo.slug}:environment:ENV`);
    // With IaC the modules do it, and the docs do not ask for it.
    expect((await pipelineFiles(cloud)).read('docs/deploy/pipeline.md')).not.toMatch(/create by hand/i);
  });
});
