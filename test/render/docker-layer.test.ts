import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers/options.js';
import { checkDockerfile } from '../../src/check/dockerfile.js';
import { checkDockerignore, decidingRule, parseDockerignore } from '../../src/check/dockerignore.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { makeAnswers, makeFacts, type FactsOverrides } from '../helpers/facts.js';
import { testdir } from '../helpers/testdir.js';

interface Variant {
  name: string;
  answers: Partial<Answers>;
  facts: FactsOverrides;
}

const TS = { typescript: true, hasBuildScript: true, buildOutputDir: 'dist', entrypoint: 'dist/server.js' };
const FASTIFY_CLI = { script: 'node_modules/fastify-cli/cli.js', args: ['start', '-l', 'info', '--address', '0.0.0.0', 'app.js'] };
const NEXT = { typescript: true, hasBuildScript: true, buildOutputDir: '.next', nextStandalone: true, entrypoint: 'server.js' };
const PRISMA = { schema: 'prisma/schema.prisma', clientInNodeModules: true, buildGenerates: false };

/** Several fact shapes per language, across the three runtimes. */
const VARIANTS: Variant[] = [
  { name: 'node npm', answers: {}, facts: {} },
  { name: 'node npm, no lockfile', answers: {}, facts: { lockfile: null } },
  { name: 'node TypeScript', answers: { cloud: 'gcp', runtime: 'cloud-run' }, facts: { node: TS } },
  { name: 'node pnpm', answers: {}, facts: { packageManager: 'pnpm', lockfile: 'pnpm-lock.yaml', runtimeVersion: '20' } },
  { name: 'node yarn classic with a JS build', answers: {}, facts: { packageManager: 'yarn', lockfile: 'yarn.lock', node: { hasBuildScript: true, buildOutputDir: 'build', entrypoint: 'build/index.js' } } },
  { name: 'node Next.js standalone, yarn berry', answers: {}, facts: { framework: 'next', packageManager: 'yarn', lockfile: 'yarn.lock', node: { ...NEXT, yarnBerry: true } } },
  { name: 'node Next.js without standalone', answers: { cloud: 'azure', runtime: 'container-apps' }, facts: { framework: 'next', node: { ...NEXT, nextStandalone: false, entrypoint: 'node_modules/next/dist/bin/next' } } },
  {
    name: 'node Next.js without standalone, next.config.ts, pnpm',
    answers: {},
    facts: { framework: 'next', packageManager: 'pnpm', lockfile: 'pnpm-lock.yaml', node: { ...NEXT, nextStandalone: false, entrypoint: 'node_modules/next/dist/bin/next', runtimeTypescript: true } },
  },
  { name: 'node fastify-cli', answers: { cloud: 'gcp', runtime: 'cloud-run' }, facts: { framework: 'fastify', node: { entrypoint: 'app.js', launcher: FASTIFY_CLI } } },
  { name: 'node TypeScript run from source', answers: {}, facts: { node: { typescript: true, entrypoint: 'src/server.ts', nodeOptions: ['--import', 'tsx'] } } },
  { name: 'node bun', answers: {}, facts: { packageManager: 'bun', lockfile: 'bun.lock', runtimeVersion: null } },
  {
    name: 'node pnpm workspace member',
    answers: { serviceDir: 'services/api' },
    facts: { appDir: 'services/api', packageManager: 'pnpm', lockfile: '../../pnpm-lock.yaml', node: TS },
  },
  { name: 'node Prisma, TypeScript', answers: {}, facts: { node: { ...TS, prisma: PRISMA } } },
  { name: 'node Prisma, JavaScript without a build', answers: {}, facts: { node: { prisma: PRISMA } } },
  {
    name: 'node Prisma, pnpm workspace member',
    answers: { serviceDir: 'services/api' },
    facts: { appDir: 'services/api', packageManager: 'pnpm', lockfile: '../../pnpm-lock.yaml', node: { ...TS, prisma: PRISMA } },
  },
  { name: 'node Prisma, Next.js standalone', answers: {}, facts: { framework: 'next', node: { ...NEXT, prisma: { ...PRISMA, buildGenerates: true } } } },
  { name: 'python uv FastAPI', answers: { language: 'python' }, facts: { language: 'python' } },
  { name: 'python uv installable, Cloud Run', answers: { language: 'python', cloud: 'gcp', runtime: 'cloud-run' }, facts: { language: 'python', runtimeVersion: '3.13', python: { installable: true } } },
  { name: 'python poetry', answers: { language: 'python' }, facts: { language: 'python', packageManager: 'poetry', lockfile: 'poetry.lock', python: { dependencyFile: 'poetry.lock' } } },
  { name: 'python pdm, installable', answers: { language: 'python' }, facts: { language: 'python', packageManager: 'pdm', lockfile: 'pdm.lock', python: { dependencyFile: 'pdm.lock', installable: true } } },
  { name: 'python pipenv', answers: { language: 'python' }, facts: { language: 'python', packageManager: 'pipenv', lockfile: 'Pipfile.lock', python: { dependencyFile: 'Pipfile.lock' } } },
  {
    name: 'python Django, hashed requirements',
    answers: { language: 'python' },
    facts: { language: 'python', framework: 'django', packageManager: 'pip', lockfile: 'requirements.txt', runtimeVersion: '3.11', python: { server: 'gunicorn', appModule: 'mysite.wsgi:application', dependencyFile: 'requirements.txt', hashPinned: true } },
  },
  {
    name: 'python Flask, loose requirements',
    answers: { language: 'python', port: 5000 },
    facts: { language: 'python', framework: 'flask', packageManager: 'pip', lockfile: null, python: { server: 'gunicorn', appModule: 'app:app', dependencyFile: 'requirements.txt' } },
  },
  {
    name: 'python requirements/ folder installing the project too (-e .)',
    answers: { language: 'python' },
    facts: { language: 'python', framework: 'django', packageManager: 'pip', lockfile: null, python: { server: 'gunicorn', appModule: 'config.wsgi:application', dependencyFile: 'requirements/production.txt', requirementIncludes: ['requirements/base.txt'], localRequirements: ['.'] } },
  },
  {
    name: 'python Django with psycopg[c] and uwsgi (a compiler in the build stage, libpq in the runtime one)',
    answers: { language: 'python' },
    facts: { language: 'python', framework: 'django', packageManager: 'pip', lockfile: null, python: { server: 'gunicorn', appModule: 'config.wsgi:application', dependencyFile: 'requirements/production.txt', requirementIncludes: ['requirements/base.txt'], nativeDeps: ['psycopg-c', 'uwsgi'] } },
  },
  { name: 'python uv with plain psycopg (libpq at run time only)', answers: { language: 'python' }, facts: { language: 'python', python: { nativeDeps: ['psycopg'] } } },
  {
    name: 'python uv workspace member',
    answers: { language: 'python', serviceDir: 'apps/api' },
    facts: { language: 'python', appDir: 'apps/api', lockfile: '../../uv.lock' },
  },
  { name: 'go static', answers: { language: 'go' }, facts: { language: 'go' } },
  { name: 'go cgo, Azure', answers: { language: 'go', cloud: 'azure', runtime: 'container-apps' }, facts: { language: 'go', runtimeVersion: '1.25.1', go: { cgo: true, mainPackage: '.' } } },
  { name: 'go without go.sum', answers: { language: 'go' }, facts: { language: 'go', lockfile: null, runtimeVersion: '1.23' } },
  { name: 'go with templates and static files', answers: { language: 'go' }, facts: { language: 'go', go: { runtimeFiles: ['public', 'templates'] } } },
  {
    name: 'go module of a workspace (go.work)',
    answers: { language: 'go', serviceDir: 'services/api' },
    facts: { language: 'go', appDir: 'services/api', go: { workspace: { root: '../..', uses: ['libs/platform', 'services/api'], hasSum: false }, localReplaces: ['../../libs/platform'], runtimeFiles: ['templates'] } },
  },
  { name: 'java maven wrapper Spring Boot', answers: { language: 'java' }, facts: { language: 'java' } },
  { name: 'java maven image, plain jar', answers: { language: 'java' }, facts: { language: 'java', runtimeVersion: '17', java: { wrapperPath: null, springBoot: false } } },
  { name: 'java gradle kotlin wrapper', answers: { language: 'java' }, facts: { language: 'java', packageManager: 'gradle', java: { buildTool: 'gradle', gradleKotlinDsl: true, artifactGlob: 'build/libs/*.jar' } } },
  {
    name: 'java Quarkus fast-jar',
    answers: { language: 'java', healthPath: '/q/health/live', readinessPath: '/q/health/ready' },
    facts: { language: 'java', framework: 'quarkus', java: { springBoot: false, springBootVersion: null, actuator: false, quarkusApp: 'target/quarkus-app', metricsPath: '/q/metrics' } },
  },
  {
    name: 'java maven module of a multi-module build',
    answers: { language: 'java', serviceDir: 'api' },
    facts: { language: 'java', appDir: 'api', java: { wrapperPath: '../mvnw', project: { root: '..', selector: ':acme-api', buildFiles: ['pom.xml', 'core/pom.xml', 'api/pom.xml'] } } },
  },
  {
    name: 'java gradle project of a multi-project build',
    answers: { language: 'java', serviceDir: 'services/app' },
    facts: {
      language: 'java',
      appDir: 'services/app',
      packageManager: 'gradle',
      java: {
        buildTool: 'gradle',
        gradleKotlinDsl: true,
        wrapperPath: '../../gradlew',
        artifactGlob: 'build/libs/*.jar',
        project: { root: '../..', selector: ':services:app', buildFiles: ['settings.gradle.kts', 'build.gradle.kts', 'services/app/build.gradle.kts', 'lib/build.gradle.kts'] },
      },
    },
  },
  { name: 'java gradle groovy, Java 25, no wrapper', answers: { language: 'java' }, facts: { language: 'java', runtimeVersion: '25', packageManager: 'gradle', java: { buildTool: 'gradle', wrapperPath: null, artifactGlob: 'build/libs/*.jar' } } },
];

async function render(variant: Variant) {
  const answers = makeAnswers(variant.answers);
  const facts = makeFacts({ language: answers.language, ...variant.facts });
  const stack = buildStack(answers, facts);
  const tree = await renderStack(stack, 'docker');
  const dockerfile = tree.read(stack.docker.dockerfilePath)?.content;
  const dockerignore = tree.read(stack.docker.dockerignorePath)?.content;
  if (dockerfile === undefined || dockerignore === undefined) throw new Error(`missing output: ${tree.paths().join(', ')}`);
  return { answers, facts, stack, tree, dockerfile, dockerignore };
}

describe.each(VARIANTS)('docker layer: $name', (variant) => {
  it('renders a Dockerfile and ignore file that pass every checklist rule', async () => {
    const { answers, dockerfile, dockerignore } = await render(variant);
    const errors = [
      ...checkDockerfile('Dockerfile', dockerfile, { language: answers.language }),
      ...checkDockerignore('.dockerignore', dockerignore, answers.language),
    ].filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('leaves no template syntax behind and is deterministic', async () => {
    const first = await render(variant);
    const second = await render(variant);
    for (const [path, file] of first.tree.entries()) {
      expect(file.content, path).not.toMatch(/\{\{|\}\}/);
      expect(second.tree.read(path)?.content, path).toBe(file.content);
    }
    expect(second.tree.paths()).toEqual(first.tree.paths());
  });

  it('starts with the syntax directive and the generated-by header', async () => {
    const { dockerfile, dockerignore } = await render(variant);
    const lines = dockerfile.split('\n');
    expect(lines[0]).toBe('# syntax=docker/dockerfile:1');
    expect(lines[1]).toMatch(/^# Generated by create-devops-stack/);
    expect(dockerignore.split('\n')[0]).toMatch(/^# Generated by create-devops-stack/);
  });

  it('says how to pin digests too, naming an image it uses; following it leaves the pinned-base rule nothing to say', async () => {
    const { answers, dockerfile } = await render(variant);
    const named = /docker buildx imagetools inspect (\S+?)`/.exec(dockerfile)?.[1];
    const fromImages = [...dockerfile.matchAll(/^FROM (?:--platform=\S+ )?(\S+)/gm)].map((m) => m[1]!);
    expect(fromImages).toContain(named);
    // Stage names are not images: only a FROM naming a registry image gets a digest.
    const stages = new Set([...dockerfile.matchAll(/^FROM .* AS (\S+)$/gm)].map((m) => m[1]!));
    const pinned = dockerfile.replace(/^(FROM (?:--platform=\S+ )?)(\S+)/gm, (line, from: string, image: string) =>
      stages.has(image) ? line : `${from}${image}@sha256:${'a'.repeat(64)}`,
    );
    const pinFindings = checkDockerfile('Dockerfile', pinned, { language: answers.language }).filter((f) => f.rule === 'dockerfile/pinned-base' || f.severity === 'error');
    expect(pinFindings).toEqual([]);
  });

  it('keeps the lockfile it installs from in the build context', async () => {
    const { facts, stack, dockerignore } = await render(variant);
    const rules = parseDockerignore(dockerignore);
    const lockfile = facts.lockfile;
    if (lockfile === null) return;
    const inContext = stack.docker.file?.appPath ? lockfile.replace(/^(\.\.\/)+/, '') : lockfile;
    const rule = decidingRule(rules, inContext);
    expect(rule === null || rule.negated, `${inContext} excluded by ${rule?.text ?? ''}`).toBe(true);
  });
});

describe('docker layer output details', () => {
  it("a Python image's context leaves out node_modules, even a sibling frontend's at the repository root", async () => {
    const { dockerignore } = await render({ name: '', answers: { language: 'python' }, facts: { language: 'python' } });
    const rules = parseDockerignore(dockerignore);
    for (const path of ['node_modules/react/index.js', 'web/node_modules/react/index.js']) expect(decidingRule(rules, path)?.negated, path).toBe(false);
  });

  it('leaves a node_modules folder for the runtime stage to copy even when there are no production dependencies to install', async () => {
    for (const facts of [{}, { packageManager: 'yarn' as const, lockfile: 'yarn.lock', node: { yarnBerry: true } }]) {
      const { dockerfile } = await render({ name: '', answers: {}, facts });
      const deps = dockerfile.slice(dockerfile.indexOf('AS deps\n'), dockerfile.indexOf('# ---- runtime'));
      expect(deps).toMatch(/ \\\n {4}&& mkdir -p node_modules\n/);
      expect(dockerfile).toContain('COPY --from=deps --chown=1000:1000 ["/app/node_modules", "/app/node_modules"]');
    }
  });

  it('copies the folders the code reads beside the compiled output', async () => {
    const { dockerfile } = await render({ name: '', answers: {}, facts: { node: { ...TS, runtimeDirs: ['public', 'views'] } } });
    expect(dockerfile).toContain('COPY --from=build --chown=1000:1000 ["/app/dist", "/app/dist"]\nCOPY --chown=1000:1000 ["public", "/app/public"]\nCOPY --chown=1000:1000 ["views", "/app/views"]\n');
  });

  it("generates Prisma's client where the image needs it: production node_modules, the build, with OpenSSL in every stage", async () => {
    const { dockerfile } = await render({ name: '', answers: {}, facts: { node: { ...TS, prisma: PRISMA } } });
    const stage = (name: string) => dockerfile.slice(dockerfile.indexOf(`AS ${name}\n`)).split(/\n# ---- /)[0] ?? '';
    // The production install has no prisma CLI: the deps stage runs the release matching @prisma/client, with the schema mounted.
    expect(stage('deps')).toContain('RUN --mount=type=bind,source=prisma/schema.prisma,target=prisma/schema.prisma \\\n    --mount=type=cache,target=/root/.npm \\\n    npx --yes prisma@"$(node -p "require(\'@prisma/client/package.json\').version")" generate --schema prisma/schema.prisma\n');
    // A `postinstall: prisma generate` needs the schema during the installs too.
    expect(stage('deps')).toMatch(/--mount=type=bind,source=prisma\/schema\.prisma,target=prisma\/schema\.prisma \\\n {4}--mount=type=cache,target=\/root\/\.npm \\\n {4}npm ci --omit=dev/);
    expect(stage('build')).toMatch(/COPY \. \.\nRUN npx prisma generate --schema prisma\/schema\.prisma\nRUN npm run build\n/);
    for (const name of ['deps', 'build', 'runtime']) expect(stage(name), name).toMatch(/apt-get install -y --no-install-recommends (?:\S+ )?openssl/);

    const member = await render({ name: '', answers: { serviceDir: 'services/api' }, facts: { appDir: 'services/api', packageManager: 'pnpm', lockfile: '../../pnpm-lock.yaml', node: { ...TS, prisma: PRISMA } } });
    expect(member.dockerfile).toContain('--mount=type=bind,source=services/api/prisma/schema.prisma,target=services/api/prisma/schema.prisma');
    expect(member.dockerfile).toContain('cd services/api && npx --yes prisma@');
    expect(member.dockerfile).toContain('RUN pnpm exec prisma generate --schema prisma/schema.prisma\n');

    // Next's standalone server carries the client the build generated; a build script that generates is left to do it.
    const next = await render({ name: '', answers: {}, facts: { framework: 'next', node: { ...NEXT, prisma: { ...PRISMA, buildGenerates: true } } } });
    expect(next.dockerfile).not.toMatch(/prisma@|^RUN .*prisma generate/m);
    const plain = await render({ name: '', answers: {}, facts: {} });
    expect(plain.dockerfile).not.toMatch(/openssl|prisma/i);
  });

  it('writes HEALTHCHECK only for ECS', async () => {
    const ecs = await render({ name: '', answers: {}, facts: {} });
    expect(ecs.dockerfile).toMatch(/^HEALTHCHECK .*\n {4}CMD \["node", "-e", /m);
    const run = await render({ name: '', answers: { cloud: 'gcp', runtime: 'cloud-run' }, facts: {} });
    expect(run.dockerfile).not.toMatch(/^HEALTHCHECK/m);
  });

  it('escapes label values and keeps exec-form commands as JSON', async () => {
    const { dockerfile } = await render({ name: '', answers: { language: 'python' }, facts: { language: 'python' } });
    expect(dockerfile).toMatch(/^ {6}org\.opencontainers\.image\.source="https:\/\/github\.com\/acme\/api"$/m);
    // JSON-escaped quotes around the $PORT expansion the shell performs.
    expect(dockerfile).toMatch(/^CMD \["sh", "-c", "exec uvicorn app\.main:app --host 0\.0\.0\.0 --port \\"\$\{PORT:-8000\}\\" /m);
    expect(dockerfile).toContain('PATH="/app/.venv/bin:$PATH"');
  });

  it('quotes build flags that need it as shell words', async () => {
    const { dockerfile } = await render({ name: '', answers: { language: 'go' }, facts: { language: 'go' } });
    expect(dockerfile).toContain("go build -trimpath '-ldflags=-s -w' -o /out/server ./cmd/server");
    expect(dockerfile).toMatch(/^FROM --platform=\$BUILDPLATFORM golang:\d+\.\d+\.\d+-bookworm AS build$/m);
  });

  it('writes a workspace member Dockerfile with a Dockerfile-specific ignore file', async () => {
    const { tree } = await render(VARIANTS.find((v) => v.name === 'node pnpm workspace member') as Variant);
    expect(tree.paths()).toEqual(['services/api/Dockerfile', 'services/api/Dockerfile.dockerignore']);
  });

  it("reads the project's .npmrc at install and never ships it", async () => {
    const { dockerfile } = await render({ name: '', answers: {}, facts: { node: { installConfig: ['.npmrc'] } } });
    expect(dockerfile).toContain('--mount=type=bind,source=.npmrc,target=.npmrc');
    expect(dockerfile).toMatch(/^COPY --exclude=\.npmrc --chown=1000:1000 \[".", "\/app\/"\]$/m);
    // Checked by the same rules as every other Dockerfile.
    expect(checkDockerfile('Dockerfile', dockerfile).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('runs fastify-cli, which loads the plugin file and listens on every interface', async () => {
    const { dockerfile } = await render(VARIANTS.find((v) => v.name === 'node fastify-cli') as Variant);
    expect(dockerfile).toMatch(/^CMD \["node", "node_modules\/fastify-cli\/cli\.js", "start", "-l", "info", "--address", "0\.0\.0\.0", "app\.js"\]$/m);
  });

  it('copies typescript for next start out of the build stage before its node_modules go, wherever the install put it', async () => {
    const { dockerfile } = await render(VARIANTS.find((v) => v.name === 'node Next.js without standalone, next.config.ts, pnpm') as Variant);
    const build = dockerfile.slice(dockerfile.indexOf(' AS build'), dockerfile.indexOf(' AS runtime'));
    const keep = /^RUN (cp -rL .*)$/m.exec(build);
    expect(keep, build).not.toBeNull();
    expect(build.indexOf(keep?.[0] ?? '')).toBeLessThan(build.indexOf('-name node_modules'));
    expect(dockerfile).toMatch(/^COPY --from=build --chown=1000:1000 \["\/tmp\/typescript", "\/app\/node_modules\/typescript"\]$/m);
    // Run the command on a pnpm layout (a symlink into the store) from a workspace member whose root hoisted it.
    const store = 'node_modules/.pnpm/typescript@5.9.3/node_modules/typescript';
    const dir = testdir({ [`${store}/package.json`]: '{"name":"typescript","version":"5.9.3"}', [`${store}/lib/typescript.js`]: '', 'apps/web/package.json': '{}' });
    symlinkSync(join(dir, store), join(dir, 'node_modules/typescript'));
    const r = spawnSync('sh', ['-c', (keep?.[1] ?? '').replace('/tmp/typescript', join(dir, 'kept'))], { cwd: join(dir, 'apps/web'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'kept')).isSymbolicLink()).toBe(false);
    expect(existsSync(join(dir, 'kept/lib/typescript.js'))).toBe(true);
  });

  it('keeps dist/ in the build context when the app runs committed files from it', async () => {
    const noBuild = await render({ name: '', answers: {}, facts: { node: { entrypoint: 'dist/server.js' } } });
    expect(parseDockerignore(noBuild.dockerignore).map((r) => r.text)).not.toContain('dist');
    expect(noBuild.dockerignore).toMatch(/^build$/m);
    const built = await render({ name: '', answers: {}, facts: { node: TS } });
    expect(built.dockerignore).toMatch(/^dist$/m);
  });

  it('declares the image health check in the ECS task definition, which ignores a Dockerfile HEALTHCHECK', async () => {
    const stack = buildStack(makeAnswers(), makeFacts({}));
    const main = (await renderStack(stack, 'infra')).read('infra/modules/service/main.tf')?.content ?? '';
    expect(main).toMatch(/healthCheck = \{\n\s+command\s+= \["CMD", "node", "-e", /);
  });

  it('builds a vendored Go module from vendor/: no download step, vendor/ kept in the context', async () => {
    const { dockerfile, dockerignore } = await render({ name: '', answers: { language: 'go' }, facts: { language: 'go', go: { vendored: true } } });
    expect(dockerfile).not.toContain('go mod download');
    expect(parseDockerignore(dockerignore).map((r) => r.text)).not.toContain('vendor/');
    expect(checkDockerfile('Dockerfile', dockerfile).filter((f) => f.severity === 'error')).toEqual([]);
    const plain = await render({ name: '', answers: { language: 'go' }, facts: { language: 'go' } });
    expect(plain.dockerfile).toContain('go mod download');
    expect(plain.dockerignore).toMatch(/^vendor\/$/m);
  });

  it('builds a Gradle project from the root: every build script first, then the dependency layer, then the whole build', async () => {
    const { dockerfile, dockerignore } = await render(VARIANTS.find((v) => v.name === 'java gradle project of a multi-project build') as Variant);
    const build = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('AS runtime'));
    expect(build).toContain(
      [
        'COPY gradlew ./',
        'COPY gradle gradle',
        'COPY ["settings.gradle.kts", "./"]',
        'COPY ["build.gradle.kts", "./"]',
        'COPY ["services/app/build.gradle.kts", "services/app/"]',
        'COPY ["lib/build.gradle.kts", "lib/"]',
        'RUN --mount=type=cache,target=/root/.gradle \\',
        '    ./gradlew --no-daemon :services:app:dependencies',
      ].join('\n'),
    );
    expect(build).toMatch(/^COPY \. \.\nRUN --mount=type=cache,target=\/root\/\.gradle \\\n {4}\.\/gradlew --no-daemon :services:app:bootJar$/m);
    expect(build).toContain('find services/app/build/libs -maxdepth 1');
    expect(dockerignore).toMatch(/^services\/app\/build\/\nservices\/app\/\.gradle\/\nlib\/build\/\nlib\/\.gradle\/$/m);
  });

  it('ships the files a Go app reads at run time beside the binary, at the paths it opens them by', async () => {
    const { dockerfile } = await render(VARIANTS.find((v) => v.name === 'go with templates and static files') as Variant);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^WORKDIR \/app$/m);
    expect(runtime).toContain('COPY ["public", "/app/public"]\nCOPY ["templates", "/app/templates"]\n');
    const member = await render(VARIANTS.find((v) => v.name === 'go module of a workspace (go.work)') as Variant);
    expect(member.dockerfile).toContain('COPY ["services/api/templates", "/app/templates"]\n');
    const none = await render({ name: '', answers: { language: 'go' }, facts: { language: 'go' } });
    expect(none.dockerfile).not.toContain('opens by relative path');
  });

  it("ships Quarkus's fast-jar as its four layers and runs quarkus-run.jar, with no jar pick; scrapes /q/metrics", async () => {
    const { dockerfile, stack } = await render(VARIANTS.find((v) => v.name === 'java Quarkus fast-jar') as Variant);
    expect(dockerfile).toContain('RUN test -f target/quarkus-app/quarkus-run.jar');
    expect(dockerfile).not.toContain('expected one application jar');
    expect(dockerfile).toContain(
      [
        'COPY --from=build --chown=10001:10001 /app/target/quarkus-app/lib/ ./lib/',
        'COPY --from=build --chown=10001:10001 /app/target/quarkus-app/*.jar ./',
        'COPY --from=build --chown=10001:10001 /app/target/quarkus-app/app/ ./app/',
        'COPY --from=build --chown=10001:10001 /app/target/quarkus-app/quarkus/ ./quarkus/',
      ].join('\n'),
    );
    expect(dockerfile).toMatch(/^ENTRYPOINT \["java", "-jar", "\/app\/quarkus-run\.jar"\]$/m);
    expect(stack.monitoring.metricsPath).toBe('/q/metrics');
    expect(stack.docker.notes.join('\n')).toMatch(/Quarkus Micrometer writes no http_server_requests_seconds_bucket/);
  });

  it('writes nothing when the repository brings its own Dockerfile', async () => {
    const stack = buildStack(makeAnswers(), makeFacts({ existing: { dockerfile: ['Dockerfile'] } }));
    expect((await renderStack(stack, 'docker')).size).toBe(0);
  });
});

describe('python images: the app compiled to bytecode at build time', () => {
  const hasPython = spawnSync('python3', ['--version']).status === 0;
  const pythonVariants = VARIANTS.filter((v) => v.answers.language === 'python');

  /** The build stage's instructions, continuation lines joined. */
  const buildStage = (dockerfile: string) => {
    const joined = dockerfile.replace(/\\\n\s*/g, '');
    const stage = joined.slice(joined.search(/^FROM .* AS build$/m), joined.search(/^FROM .* AS runtime$/m));
    return stage.split('\n').filter((l) => /^[A-Z]+ /.test(l));
  };

  it.each(pythonVariants.map((v) => [v.name, v] as const))('%s: compiles after the source is copied, in the service folder', async (_name, variant) => {
    const { dockerfile, stack } = await render(variant);
    const lines = buildStage(dockerfile);
    const compile = lines.findIndex((l) => l.startsWith('RUN python -m compileall'));
    expect(compile).toBeGreaterThan(lines.lastIndexOf('COPY . .'));
    expect(lines.slice(0, compile).filter((l) => l.startsWith('WORKDIR ')).pop()).toBe(`WORKDIR ${stack.docker.file?.workdir}`);
  });

  it('installs the OS packages native dependencies need before the dependencies, and their libraries in the runtime stage', async () => {
    const native = (name: string) => render(pythonVariants.find((v) => v.name.startsWith(name))!);
    const stages = (dockerfile: string) => dockerfile.split(/^FROM /m).slice(1).map((s) => s.split('\n'));
    const aptLines = (lines: string[]) => lines.filter((l) => l.includes('apt-get install'));

    const django = stages((await native('python Django with psycopg[c]')).dockerfile);
    const build = django.find((l) => l[0]!.endsWith(' AS build'))!;
    expect(aptLines(build)).toEqual(['    && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \\']);
    expect(build.findIndex((l) => l.includes('apt-get install'))).toBeLessThan(build.findIndex((l) => l.includes('pip install')));
    const runtime = django.find((l) => l[0]!.endsWith(' AS runtime'))!;
    expect(aptLines(runtime)).toEqual(['    && apt-get install -y --no-install-recommends libpq5 \\']);
    // hadolint reads an ignore comment only on the line right before the instruction.
    for (const lines of [build, runtime]) expect(lines[lines.findIndex((l) => l.startsWith('RUN apt-get update')) - 1]).toBe('# hadolint ignore=DL3008');

    const plain = stages((await native('python uv with plain psycopg')).dockerfile);
    expect(aptLines(plain.find((l) => l[0]!.endsWith(' AS build'))!)).toEqual([]);
    expect(aptLines(plain.find((l) => l[0]!.endsWith(' AS runtime'))!)).toEqual(['    && apt-get install -y --no-install-recommends libpq5 \\']);
    expect((await render(pythonVariants[0]!)).dockerfile).not.toContain('apt-get');
  });

  it('installs the requirements without their local code (-e .) first, and that code once the source is copied', async () => {
    const local = pythonVariants.find((v) => v.name.includes('-e .'))!;
    const lines = buildStage((await render(local)).dockerfile);
    const deps = lines.find((l) => l.includes('sed -E'))!;
    expect(lines.indexOf(deps)).toBeLessThan(lines.lastIndexOf('COPY . .'));
    expect(lines[lines.lastIndexOf('COPY . .') + 1]).toMatch(/pip install \.$/);
    // The RUN line itself, with pip replaced by cat: what pip would read, and nothing left behind.
    const run = deps.slice('RUN '.length).replace(/--mount=\S+ /g, '').replace('pip install -r', 'cat');
    const dir = testdir({
      'requirements/production.txt': '-r base.txt\ngunicorn==23.0.0\r\n-e .\r\n--editable=./libs/shared  # ours\n.[extra]\n',
      'requirements/base.txt': 'django==5.1.4\n',
    });
    const r = spawnSync('sh', ['-c', run], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.replace(/\r/g, '').split('\n').filter(Boolean)).toEqual(['-r base.txt', 'gunicorn==23.0.0']);
    expect(readdirSync(join(dir, 'requirements')).sort()).toEqual(['base.txt', 'production.txt']);
  });

  it.skipIf(!hasPython)('the RUN line compiles the app, skips the virtualenv and never fails the build', async () => {
    const { dockerfile } = await render(pythonVariants[0]!);
    const run = buildStage(dockerfile).find((l) => l.startsWith('RUN python -m compileall'))!.slice('RUN '.length);
    const dir = testdir({ 'app/main.py': 'app = 1\n', 'app/broken.py': 'def (:\n', '.venv/lib/site.py': 'x = 1\n' });
    const r = spawnSync('sh', ['-c', run.replace(/^python /, 'python3 ')], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const compiled = readdirSync(join(dir, 'app', '__pycache__'));
    expect(compiled.some((f) => f.startsWith('main.'))).toBe(true);
    expect(compiled.some((f) => f.startsWith('broken.'))).toBe(false);
    expect(existsSync(join(dir, '.venv', 'lib', '__pycache__'))).toBe(false);
    expect(r.stdout).toContain('compileall: the files above stay uncompiled');
  });
});
