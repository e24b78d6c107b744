import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/answers/options.js';
import { checkDockerfile } from '../../src/check/dockerfile.js';
import { checkDockerignore } from '../../src/check/dockerignore.js';
import type { Finding } from '../../src/check/types.js';

const NODE_GOOD = `# syntax=docker/dockerfile:1
FROM node:22.21-trixie-slim AS deps
WORKDIR /app
RUN --mount=type=bind,source=package.json,target=package.json \\
    --mount=type=bind,source=package-lock.json,target=package-lock.json \\
    --mount=type=cache,target=/root/.npm \\
    npm ci --omit=dev

FROM node:22.21-trixie-slim AS runtime
RUN apt-get update \\
    && apt-get install -y --no-install-recommends tini \\
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps --chown=1000:1000 /app/node_modules ./node_modules
COPY --chown=1000:1000 . .
USER 1000:1000
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "server.js"]
`;

const PYTHON_GOOD = `# syntax=docker/dockerfile:1
FROM python:3.12.12-slim-trixie AS build
WORKDIR /app
RUN python -m venv /app/.venv
ENV PATH="/app/.venv/bin:$PATH"
RUN --mount=type=bind,source=requirements.txt,target=requirements.txt \\
    --mount=type=cache,target=/root/.cache/pip \\
    pip install --require-hashes -r requirements.txt
COPY . .

FROM python:3.12.12-slim-trixie
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PATH="/app/.venv/bin:$PATH"
WORKDIR /app
COPY --from=build --chown=10001:10001 /app /app
USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
`;

const GO_GOOD = `# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM golang:1.25.3-bookworm AS build
WORKDIR /src
RUN --mount=type=bind,source=go.mod,target=go.mod \\
    --mount=type=cache,target=/go/pkg/mod \\
    go mod download
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=bind,target=. \\
    --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -o /out/server ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot@sha256:0000000000000000000000000000000000000000000000000000000000000000
WORKDIR /app
COPY --from=build --chown=65532:65532 /out/server /app/server
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/app/server"]
`;

const JAVA_GOOD = `# syntax=docker/dockerfile:1
FROM eclipse-temurin:21.0.8_9-jdk-noble AS build
WORKDIR /app
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B dependency:go-offline
COPY src src
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests package && cp target/app.jar /app/app.jar

FROM eclipse-temurin:21.0.8_9-jre-noble
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
WORKDIR /app
COPY --from=build --chown=10001:10001 /app/app.jar /app/app.jar
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
`;

const GOOD: Record<Language, string> = { node: NODE_GOOD, python: PYTHON_GOOD, go: GO_GOOD, java: JAVA_GOOD };

function errors(content: string, language?: Language): Finding[] {
  return checkDockerfile('Dockerfile', content, language === undefined ? {} : { language }).filter((f) => f.severity === 'error');
}

function rules(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))];
}

/** Replaces `from` (which must occur) in a good Dockerfile. */
function mutate(language: Language, from: string | RegExp, to: string): string {
  const good = GOOD[language];
  const bad = good.replace(from, to);
  if (bad === good) throw new Error(`mutation ${String(from)} did not apply`);
  return bad;
}

describe('checkDockerfile: good Dockerfiles', () => {
  it.each(Object.keys(GOOD) as Language[])('passes the good %s Dockerfile with no findings', (language) => {
    expect(checkDockerfile('Dockerfile', GOOD[language], { language })).toEqual([]);
  });
});

describe('checkDockerfile: rules for every language', () => {
  it('wants the syntax directive on line 1', () => {
    const found = errors(mutate('node', '# syntax=docker/dockerfile:1\n', ''));
    expect(found.map((f) => [f.rule, f.line])).toContainEqual(['dockerfile/syntax-directive', 1]);
  });

  it('wants a multi-stage build', () => {
    const single = `# syntax=docker/dockerfile:1
FROM node:22.21-trixie-slim
WORKDIR /app
COPY . .
USER 1000
EXPOSE 3000
CMD ["node", "server.js"]
`;
    expect(rules(errors(single))).toEqual(['dockerfile/multi-stage']);
  });

  it.each([
    ['node:latest', /uses latest/],
    ['node', /has no tag/],
    ['node:22', /only a major version/],
    ['node:22-trixie-slim', /only a major version/],
    ['node:trixie-slim', /is not a version/],
  ])('rejects FROM %s', (image, message) => {
    const found = errors(mutate('node', 'FROM node:22.21-trixie-slim AS deps', `FROM ${image} AS deps`));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'dockerfile/pinned-base', line: 2 });
    expect(found[0]?.message).toMatch(message);
  });

  it('accepts digests and stage references, and only warns for distroless without one', () => {
    expect(errors(mutate('node', 'node:22.21-trixie-slim AS deps', `node:22@sha256:${'a'.repeat(64)} AS deps`))).toEqual([]);
    const distroless = checkDockerfile('Dockerfile', mutate('go', /@sha256:0+/, ''), { language: 'go' });
    expect(distroless.map((f) => [f.rule, f.severity])).toEqual([['dockerfile/pinned-base', 'warning']]);
  });

  it('wants a numeric, non-root USER in the final stage', () => {
    const named = errors(mutate('node', 'USER 1000:1000', 'USER node'));
    expect(named.map((f) => f.message)).toEqual(['line 17: USER must be a numeric UID (uid or uid:gid), got node']);
    expect(errors(mutate('node', 'USER 1000:1000', 'USER 0:0'))[0]?.message).toMatch(/is root/);
    expect(rules(errors(mutate('node', 'USER 1000:1000\n', '')))).toEqual(['dockerfile/non-root-user']);
  });

  it('wants exec-form ENTRYPOINT and CMD', () => {
    const found = errors(mutate('node', 'CMD ["node", "server.js"]', 'CMD node server.js'));
    expect(found).toMatchObject([{ rule: 'dockerfile/exec-form', line: 20 }]);
  });

  it('rejects ADD of URLs and archives without a checksum', () => {
    const url = errors(mutate('node', 'COPY --chown=1000:1000 . .', 'ADD https://example.com/tool.sh /usr/local/bin/tool'));
    expect(rules(url)).toEqual(['dockerfile/no-add']);
    const archive = errors(mutate('node', 'COPY --chown=1000:1000 . .', 'ADD vendor.tar.gz /app/'));
    expect(rules(archive)).toEqual(['dockerfile/no-add']);
    const verified = mutate('node', 'COPY --chown=1000:1000 . .', 'ADD --checksum=sha256:abc https://example.com/tool.tgz /tmp/');
    expect(errors(verified)).toEqual([]);
  });

  it('rejects secrets in ARG and ENV', () => {
    const arg = errors(mutate('node', 'WORKDIR /app\nRUN', 'WORKDIR /app\nARG NPM_TOKEN\nRUN'));
    expect(arg).toMatchObject([{ rule: 'dockerfile/no-secret-args', line: 4 }]);
    const env = errors(mutate('node', 'ENV NODE_ENV=production', 'ENV NODE_ENV=production API_KEY=abc'));
    expect(rules(env)).toEqual(['dockerfile/no-secret-args']);
    // Names that merely contain the letters are fine.
    expect(errors(mutate('node', 'ENV NODE_ENV=production', 'ENV NODE_ENV=production KEYCLOAK_URL=x'))).toEqual([]);
  });

  it('wants apt-get installs without recommends and with the lists removed in the same RUN', () => {
    expect(rules(errors(mutate('node', ' --no-install-recommends', '')))).toEqual(['dockerfile/apt-get']);
    expect(rules(errors(mutate('node', ' \\\n    && rm -rf /var/lib/apt/lists/*', '')))).toEqual(['dockerfile/apt-get']);
    const cached = mutate(
      'node',
      /RUN apt-get update[^]*?lists\/\*/,
      'RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends tini',
    );
    expect(errors(cached)).toEqual([]);
  });

  it('wants an absolute WORKDIR in the final stage', () => {
    expect(errors(mutate('node', 'WORKDIR /app\nCOPY', 'WORKDIR app\nCOPY'))).toMatchObject([
      { rule: 'dockerfile/workdir', message: 'line 14: WORKDIR app must be an absolute path' },
    ]);
    expect(rules(errors(mutate('node', 'WORKDIR /app\nCOPY', 'COPY')))).toEqual(['dockerfile/workdir']);
  });

  it('wants EXPOSE', () => {
    expect(rules(errors(mutate('node', 'EXPOSE 3000\n', '')))).toEqual(['dockerfile/expose']);
  });

  it('wants a cache mount on package installs', () => {
    const found = errors(mutate('node', '    --mount=type=cache,target=/root/.npm \\\n', ''));
    expect(found).toMatchObject([{ rule: 'dockerfile/cache-mount', line: 4 }]);
    expect(found[0]?.message).toMatch(/target=\/root\/\.npm/);
  });

  it('reports dockerfile-utils parse errors', () => {
    expect(rules(errors(mutate('node', 'EXPOSE 3000', 'EXPOSE 3000/xyz')))).toContain('dockerfile/validate');
  });

  it('rejects a distroless HEALTHCHECK that needs a shell tool', () => {
    const bad = mutate('go', 'ENTRYPOINT', 'HEALTHCHECK CMD ["curl", "-f", "http://localhost:8080/healthz"]\nENTRYPOINT');
    expect(rules(errors(bad, 'go'))).toEqual(['dockerfile/healthcheck']);
  });
});

describe('checkDockerfile: language rules', () => {
  it('node: NODE_ENV=production in the final stage', () => {
    expect(rules(errors(mutate('node', 'ENV NODE_ENV=production PORT=3000', 'ENV PORT=3000'), 'node'))).toEqual(['dockerfile/node-env']);
    expect(errors(mutate('node', 'ENV NODE_ENV=production PORT=3000', 'ENV PORT=3000'))).toEqual([]);
  });

  it('node: starts with node, not npm start', () => {
    const found = errors(mutate('node', 'CMD ["node", "server.js"]', 'CMD ["npm", "start"]'), 'node');
    expect(found).toMatchObject([{ rule: 'dockerfile/node-start', line: 20 }]);
  });

  it('node: warns when the install does not follow the lockfile', () => {
    const found = checkDockerfile('Dockerfile', mutate('node', 'npm ci --omit=dev', 'npm install --omit=dev'), { language: 'node' });
    expect(found.map((f) => [f.rule, f.severity])).toEqual([['dockerfile/node-lockfile', 'warning']]);
  });

  it('python: unbuffered output and no bytecode writes', () => {
    const found = errors(mutate('python', 'ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 ', 'ENV '), 'python');
    expect(found.map((f) => f.message)).toEqual([
      'line 11: the final stage must set ENV PYTHONUNBUFFERED=1',
      'line 11: the final stage must set ENV PYTHONDONTWRITEBYTECODE=1',
    ]);
  });

  it.each([
    ['["python", "manage.py", "runserver", "0.0.0.0:8000"]', /not a production server/],
    ['["flask", "run", "--host", "0.0.0.0"]', /not a production server/],
    ['["uvicorn", "app:app", "--reload"]', /--reload is for development/],
    // A shell that does not exec the server stays PID 1 and swallows SIGTERM.
    ['["sh", "-c", "uvicorn app:app --port $PORT"]', /not a production server/],
    ['["sh", "-c", "exec uvicorn app:app --reload"]', /--reload is for development/],
  ])('python: rejects CMD %s', (cmd, message) => {
    const found = errors(mutate('python', /CMD \[.*\]/, `CMD ${cmd}`), 'python');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'dockerfile/python-server' });
    expect(found[0]?.message).toMatch(message);
  });

  it('python: accepts a shell that reads $PORT and execs the server', () => {
    expect(errors(mutate('python', /CMD \[.*\]/, `CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 --port \\"\${PORT:-8000}\\" --forwarded-allow-ips '*'"]`), 'python')).toEqual([]);
  });

  it('python: accepts python -m gunicorn and warns on unhashed requirements', () => {
    expect(errors(mutate('python', '["gunicorn",', '["python", "-m", "gunicorn",'), 'python')).toEqual([]);
    const found = checkDockerfile('Dockerfile', mutate('python', ' --require-hashes', ''), { language: 'python' });
    expect(found.map((f) => [f.rule, f.severity])).toEqual([['dockerfile/python-lockfile', 'warning']]);
  });

  it('java: sizes the heap from the container and never fixes -Xmx', () => {
    const missing = errors(mutate('java', 'ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"\n', ''), 'java');
    expect(rules(missing)).toEqual(['dockerfile/java-heap']);
    const xmx = errors(mutate('java', '["java", "-jar"', '["java", "-Xmx2g", "-jar"'), 'java');
    expect(xmx).toMatchObject([{ rule: 'dockerfile/java-heap', line: 16 }]);
  });

  it('go: builds with CGO_ENABLED=0 unless cgo is explicit on a glibc runtime', () => {
    expect(rules(errors(mutate('go', 'CGO_ENABLED=0 ', ''), 'go'))).toEqual(['dockerfile/go-static']);
    const cgoOnStatic = errors(mutate('go', 'CGO_ENABLED=0', 'CGO_ENABLED=1'), 'go');
    expect(cgoOnStatic[0]?.message).toMatch(/cannot run on gcr\.io\/distroless\/static-debian12:nonroot\S*: use gcr\.io\/distroless\/base-debian12$/);
    const cgoOnBase = mutate('go', 'CGO_ENABLED=0', 'CGO_ENABLED=1').replace('static-debian12', 'base-debian12');
    expect(errors(cgoOnBase, 'go')).toEqual([]);
  });
});

const IGNORE_COMMON = `.git
.github
**/.env*
!.env.example
*.pem
*.key
.aws
.azure
.config/gcloud
infra/
**/.terraform
*.tfstate*
monitoring/
Dockerfile*
.dockerignore
docker-compose*.yml
coverage/
*.log
.vscode
.idea
`;
const IGNORE_NODE = `${IGNORE_COMMON}node_modules
dist
build
.next/cache
npm-debug.log*
`;

describe('checkDockerignore', () => {
  it('passes a complete node ignore file', () => {
    expect(checkDockerignore('.dockerignore', IGNORE_NODE, 'node')).toEqual([]);
  });

  it('names each missing exclusion', () => {
    const found = checkDockerignore('.dockerignore', IGNORE_NODE.replace('.aws\n', '').replace('node_modules\n', ''), 'node');
    expect(found.map((f) => f.message)).toEqual([
      '.aws is not excluded: .aws/credentials would reach the build context',
      'node_modules is not excluded: node_modules/express/index.js would reach the build context',
    ]);
  });

  it('wants infra/ or terraform/', () => {
    expect(checkDockerignore('.dockerignore', IGNORE_NODE.replace('infra/\n', 'terraform\n'), 'node')).toEqual([]);
    const found = checkDockerignore('.dockerignore', IGNORE_NODE.replace('infra/\n', ''), 'node');
    expect(found[0]?.message).toMatch(/add infra\/ or terraform\//);
  });

  it('sees a later exception that re-includes an excluded path', () => {
    const found = checkDockerignore('.dockerignore', `${IGNORE_NODE}!.aws\n`, 'node');
    expect(found).toMatchObject([{ rule: 'dockerignore/must-exclude', line: 26 }]);
    expect(found[0]?.message).toMatch(/line 26: !\.aws re-includes it/);
  });

  it('rejects excluding the lockfile or the build wrapper', () => {
    const lock = checkDockerignore('.dockerignore', `${IGNORE_NODE}*.json\n`, 'node');
    expect(lock.map((f) => f.message)).toEqual([
      'line 26: *.json excludes package.json, which the install or build needs',
      'line 26: *.json excludes package-lock.json, which the install or build needs',
      'line 26: *.json excludes npm-shrinkwrap.json, which the install or build needs',
    ]);
    const java = `${IGNORE_COMMON}target/\nbuild/\n.gradle/\ngradle/\n`;
    const found = checkDockerignore('.dockerignore', java, 'java');
    expect(found.map((f) => f.rule)).toEqual(['dockerignore/must-not-exclude', 'dockerignore/must-not-exclude']);
  });

  it("warns when a Go module's vendor/ reaches the context, unless the module vendors and builds from it", () => {
    const go = `${IGNORE_COMMON}bin/\n**/*.test\n`;
    expect(checkDockerignore('.dockerignore', go, 'go').map((f) => f.message)).toEqual(['vendor/ (unless you vendor) is not excluded: vendor/modules.txt would reach the build context']);
    expect(checkDockerignore('.dockerignore', go, 'go', { goVendored: true })).toEqual([]);
  });

  it('matches nested Python caches only with a ** pattern', () => {
    const python = `${IGNORE_COMMON}.venv\nvenv\n__pycache__\n*.pyc\n.pytest_cache\n.mypy_cache\n.ruff_cache\n*.egg-info\n`;
    expect(checkDockerignore('.dockerignore', python, 'python').map((f) => f.message)).toEqual([
      '__pycache__ is not excluded: app/__pycache__/main.cpython-312.pyc would reach the build context',
      '*.pyc is not excluded: app/main.pyc would reach the build context',
    ]);
    const nested = python.replace('\n__pycache__', '\n**/__pycache__').replace('\n*.pyc', '\n**/*.pyc');
    expect(checkDockerignore('.dockerignore', nested, 'python')).toEqual([]);
  });

  it('only warns about vendor/ for Go (vendoring is allowed)', () => {
    const go = `${IGNORE_COMMON}bin/\n*.test\n`;
    expect(checkDockerignore('.dockerignore', go, 'go').map((f) => [f.rule, f.severity])).toEqual([['dockerignore/must-exclude', 'warning']]);
  });
});
