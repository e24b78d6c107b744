import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersJsonSchema } from '../../src/answers/json-schema.js';
import { validateAnswersObject } from '../../src/answers/from-file.js';
import { resolveAnswers, storedAnswersFor, suggestServiceName, type AskFn } from '../../src/answers/resolve.js';
import { detectRepo, filesFromMap } from '../../src/detect/index.js';
import { UserError } from '../../src/errors.js';

const nodeApp = detectRepo(
  filesFromMap({
    'package.json': JSON.stringify({ name: 'shop-api', scripts: { start: 'node server.js' }, dependencies: { express: '4.21.2' } }),
    'package-lock.json': '{"lockfileVersion":3}',
    'server.js': "const app = require('express')(); app.get('/healthz', (q, r) => r.send('ok')); app.listen(process.env.PORT || 4000);",
  }),
  { dirName: 'Shop_API' },
);

const resolve = (flags = {}, file = {}, ask: AskFn | null = null, facts = nodeApp) =>
  resolveAnswers({ flags, file, fileLabel: '--answers a.json', facts, ask });

describe('resolveAnswers', () => {
  it('uses detection, then defaults, and says where each value came from', async () => {
    const { answers, sources } = await resolve();
    expect(answers).toMatchObject({ language: 'node', port: 4000, healthPath: '/healthz', cloud: 'aws', runtime: 'ecs-fargate', environments: ['staging', 'production'] });
    expect(sources.language).toBe('detected');
    expect(sources.port).toBe('detected');
    expect(sources.cloud).toBe('default');
  });

  it('flags beat the answers file, which beats detection', async () => {
    const { answers, sources } = await resolve({ cloud: 'gcp' }, { cloud: 'azure', port: 9000 });
    expect(answers.cloud).toBe('gcp');
    expect(answers.port).toBe(9000);
    expect(sources.port).toBe('file');
  });

  it('derives the runtime and region from the cloud', async () => {
    const { answers } = await resolve({ cloud: 'gcp' });
    expect(answers.runtime).toBe('cloud-run');
    expect(answers.region).toBe('us-central1');
  });

  it('takes a region in the form of the chosen cloud only, and says which form in one line', async () => {
    for (const [cloud, region] of [['aws', 'us-east-1'], ['aws', 'us-gov-west-1'], ['aws', 'ap-southeast-2'], ['gcp', 'us-central1'], ['gcp', 'northamerica-northeast1'], ['azure', 'westeurope'], ['azure', 'eastus2']]) {
      expect((await resolve({ cloud, region })).answers.region, `${cloud} ${region}`).toBe(region);
    }
    await expect(resolve({ cloud: 'gcp', region: 'us-east-1' })).rejects.toThrow(/^--region: 'us-east-1' is not valid \(a GCP region id such as us-central1 or europe-west4\)$/);
    await expect(resolve({ cloud: 'azure', region: 'us-central1' })).rejects.toThrow(/^--region: 'us-central1' is not valid \(an Azure region name such as eastus or westeurope\)$/);
    await expect(resolve({ region: 'westeurope' })).rejects.toThrow(/^--region: 'westeurope' is not valid \(an AWS region id such as us-east-1 or eu-west-2\)$/);
    await expect(resolve({}, { cloud: 'gcp', region: 'eu-west-1' })).rejects.toThrow(/^--answers a\.json: region: 'eu-west-1' is not valid \(a GCP region id/);
  });

  it('upgrade to another cloud drops the stored runtime and region, unless given, and derives them as on a first run', async () => {
    const stored = { cloud: 'aws', runtime: 'ecs-fargate', region: 'eu-west-1', port: 3000 } as const;
    expect(storedAnswersFor(stored, {})).toBe(stored);
    expect(storedAnswersFor(stored, { cloud: 'aws', port: 4000 })).toBe(stored);
    expect(storedAnswersFor(stored, { cloud: 'gcp' })).toEqual({ cloud: 'aws', port: 3000 });
    const { answers, sources } = await resolve({ cloud: 'gcp' }, storedAnswersFor(stored, { cloud: 'gcp' }));
    expect(answers).toMatchObject({ cloud: 'gcp', runtime: 'cloud-run', region: 'us-central1', port: 3000 });
    expect([sources.runtime, sources.region, sources.port]).toEqual(['default', 'default', 'file']);
    // Given with the new cloud: taken (and checked against it).
    const given = await resolve({ cloud: 'gcp', region: 'europe-west4' }, storedAnswersFor(stored, { cloud: 'gcp', region: 'europe-west4' }));
    expect(given.answers.region).toBe('europe-west4');
  });

  it('refuses a runtime the cloud does not offer, naming the flags', async () => {
    await expect(resolve({ cloud: 'gcp', runtime: 'ecs-fargate' })).rejects.toThrow(/--runtime: 'ecs-fargate' is not one of cloud-run/);
  });

  it('refuses managed Prometheus without IaC, and falls back when it was only a default', async () => {
    await expect(resolve({ iac: 'none', monitoring: 'managed-prometheus' })).rejects.toThrow(/--monitoring/);
    // Named by where each answer came from: the file (or the manifest, for upgrade), not a flag never given.
    await expect(resolve({}, { environments: ['prod', 'prod'] })).rejects.toThrow(/^--answers a\.json: environments lists a name twice: prod,prod$/);
    const { answers } = await resolve({ iac: 'none' });
    expect(answers.monitoring).toBe('prometheus');
  });

  it('names the team after the GitHub owner, else the service; --team must be a label value', async () => {
    const withRemote = detectRepo(
      filesFromMap({
        'package.json': JSON.stringify({ name: 'shop-api' }),
        '.git/config': '[remote "origin"]\n\turl = git@github.com:Acme_Corp/shop.git\n',
      }),
      { dirName: 'shop' },
    );
    const owned = await resolve({}, {}, null, withRemote);
    expect([owned.answers.team, owned.sources.team]).toEqual(['acme_corp', 'detected']);
    const { answers, sources } = await resolve();
    expect([answers.team, sources.team]).toEqual([answers.serviceName, 'default']);
    expect((await resolve({ team: 'payments' })).answers.team).toBe('payments');
    await expect(resolve({ team: 'Payments Team' })).rejects.toThrow(/--team/);
  });

  it('uses the health path for readiness when the app has no readiness route', async () => {
    const { answers, sources } = await resolve();
    expect([answers.readinessPath, sources.readinessPath]).toEqual(['/healthz', 'default']);
    expect((await resolve({ healthPath: '/live' })).answers.readinessPath).toBe('/live');
    expect((await resolve({ readinessPath: '/ready' })).answers.readinessPath).toBe('/ready');
    await expect(resolve({ readinessPath: 'ready' })).rejects.toThrow(/--readiness-path/);
  });

  it('refuses names the runtime cannot take: a Container Apps app over 32 characters or with "--", a Cloud Run service over 35', async () => {
    const long = 'payments-reconciliation-api';
    await expect(resolve({ cloud: 'azure', serviceName: long })).rejects.toThrow(/payments-reconciliation-api-production \(38 characters\) is too long for a Container Apps app name/);
    await expect(resolve({ cloud: 'azure', serviceName: 'orders--api' })).rejects.toThrow(/cannot contain '--'/);
    await expect(resolve({ cloud: 'gcp', serviceName: long })).rejects.toThrow(/too long for a Cloud Run service name/);
    // Short environment names fit; ECS takes the long name.
    await expect(resolve({ cloud: 'azure', serviceName: 'payments-reconcile-api', environments: ['stg', 'prod'] })).resolves.toBeTruthy();
    await expect(resolve({ cloud: 'aws', serviceName: long })).resolves.toBeTruthy();
  });

  it('refuses duplicate environments', async () => {
    await expect(resolve({ environments: ['staging', 'staging'] })).rejects.toThrow(UserError);
  });

  it('refuses environment names the bootstrap\'s own resources take, on every cloud', async () => {
    // AWS role / GCP service account <service>-terraform-plan, -tf-plan; Azure rg-<service>-shared and -tfstate.
    for (const env of ['plan', 'shared', 'tfstate']) {
      await expect(resolve({ environments: [env, 'production'] })).rejects.toThrow(`--environments: "${env}" is taken by the bootstrap's shared resources`);
    }
  });

  it('refuses service names the provider reserves for the resources named after them', async () => {
    await expect(resolve({ serviceName: 'internal-api' })).rejects.toThrow("--service-name internal-api: load balancer names cannot begin with 'internal-'");
    await expect(resolve({ serviceName: 'xn--shop' })).rejects.toThrow(/S3 bucket names cannot begin with 'xn--'/);
    await expect(resolve({ cloud: 'gcp', serviceName: 'google-api' })).rejects.toThrow(/Cloud Storage bucket names cannot begin with 'goog' or contain 'google'/);
    await expect(resolve({ cloud: 'gcp', serviceName: 'shop-g00gle' })).rejects.toThrow(/contain 'google'/);
    // Reserved by one provider only.
    await expect(resolve({ cloud: 'gcp', serviceName: 'internal-api' })).resolves.toBeTruthy();
    await expect(resolve({ cloud: 'aws', serviceName: 'google-api' })).resolves.toBeTruthy();
  });

  it('asks only the questions not answered, offering the valid choices and the detected default', async () => {
    const asked: Array<[string, unknown, boolean, readonly string[] | null]> = [];
    const ask: AskFn = async (name, _spec, def, detected, choices) => {
      asked.push([name, def, detected, choices]);
      return name === 'cloud' ? 'azure' : def;
    };
    const { answers } = await resolve({ strategy: 'canary' }, {}, ask);
    expect(asked.map((a) => a[0])).not.toContain('strategy');
    expect(asked.find((a) => a[0] === 'language')).toEqual(['language', 'node', true, ['node', 'python', 'go', 'java']]);
    expect(asked.find((a) => a[0] === 'runtime')?.[3]).toEqual(['container-apps']);
    expect(answers.runtime).toBe('container-apps');
  });

  it('explains an unsupported language instead of guessing', async () => {
    const rust = detectRepo(filesFromMap({ 'Cargo.toml': '[package]\nname = "x"\n' }), { dirName: 'x' });
    await expect(resolve({}, {}, null, rust)).rejects.toThrow(/rust app/);
  });

  it('suggests a valid service name from odd directory names', () => {
    expect(suggestServiceName({ appDir: '.', git: { owner: null, repo: null, remote: null, defaultBranch: null }, dirName: 'Shop_API' })).toBe('shop-api');
    expect(suggestServiceName({ appDir: 'services/42', git: { owner: null, repo: null, remote: null, defaultBranch: null }, dirName: 'x' })).toMatch(/^[a-z][a-z0-9-]{1,26}[a-z0-9]$/);
  });
});

describe('answers file schema', () => {
  it('the shipped schema is the one derived from the option table (run `npm run schema`)', () => {
    const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'answers.schema.json'), 'utf8'));
    expect(shipped).toEqual(answersJsonSchema());
  });

  it('names the key and the allowed values on a bad choice', () => {
    expect(() => validateAnswersObject({ cloud: 'ibm' }, 'a.json')).toThrow(/a.json: cloud must be equal to one of the allowed values \(aws, gcp, azure\)/);
  });

  it('keeps --service-dir inside the repository, and the SLO where a fast burn can still page', () => {
    for (const dir of ['..', '../x', 'src/..', 'a/./b', './a']) expect(() => validateAnswersObject({ serviceDir: dir }, 'a.json'), dir).toThrow(`a.json: serviceDir '${dir}' is not valid (Directory of the service inside the repository (monorepos): a relative path inside the repository, such as '.' or services/api)`);
    for (const dir of ['.', 'services/api', 'apps/.hidden', 'a..b']) expect(validateAnswersObject({ serviceDir: dir }, 'a.json')).toEqual({ serviceDir: dir });
    // 14.4 x a 94 % SLO's budget is 86 % errors: below 95 the page could hardly fire.
    expect(() => validateAnswersObject({ slo: 94 }, 'a.json')).toThrow(/slo must be >= 95/);
  });

  it('checks the region against the form of the cloud the file names', () => {
    expect(() => validateAnswersObject({ cloud: 'gcp', region: 'us-east-1' }, 'a.json')).toThrow("a.json: region 'us-east-1' is not valid (Cloud region: a GCP region id such as us-central1 or europe-west4)");
    expect(() => validateAnswersObject({ region: 'West Europe' }, 'a.json')).toThrow(/^a\.json: region 'West Europe' is not valid \(Cloud region: the cloud's region id/);
    expect(validateAnswersObject({ cloud: 'azure', region: 'westeurope' }, 'a.json')).toEqual({ cloud: 'azure', region: 'westeurope' });
  });

  it('rejects unknown keys and wrong types', () => {
    expect(() => validateAnswersObject({ clowd: 'aws' }, 'a.json')).toThrow(/clowd/);
    expect(() => validateAnswersObject({ port: '80' }, 'a.json')).toThrow(/port must be integer/);
    expect(() => validateAnswersObject([], 'a.json')).toThrow(/must be object/);
  });
});
