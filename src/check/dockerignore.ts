import type { Language } from '../answers/options.js';
import type { Finding } from './types.js';

/** One .dockerignore line: a pattern, negated with `!` or not. */
export interface IgnoreRule {
  line: number;
  text: string;
  negated: boolean;
  re: RegExp;
}

/**
 * What must be excluded (checklist section 2): for each entry, sample paths a
 * build context could contain; every sample must end up excluded. `severity`
 * is 'warning' where the checklist allows exceptions (vendor/ when vendoring).
 */
interface MustExclude {
  what: string;
  samples: string[];
  severity?: Finding['severity'];
}

/** The file that marks a Go module as vendored. */
const GO_VENDOR = 'vendor/modules.txt';

const COMMON_EXCLUDES: readonly MustExclude[] = [
  { what: '.git', samples: ['.git/HEAD'] },
  { what: '.github', samples: ['.github/workflows/ci.yml'] },
  { what: '**/.env*', samples: ['.env', '.env.production', 'config/.env'] },
  { what: '*.pem', samples: ['server.pem'] },
  { what: '*.key', samples: ['server.key'] },
  { what: '.aws', samples: ['.aws/credentials'] },
  { what: '.azure', samples: ['.azure/config'] },
  { what: '.config/gcloud', samples: ['.config/gcloud/credentials.db'] },
  { what: '.terraform', samples: ['.terraform/providers/x'] },
  { what: '*.tfstate*', samples: ['terraform.tfstate', 'terraform.tfstate.backup'] },
  { what: 'monitoring/', samples: ['monitoring/rules/api.rules.yml'] },
  { what: 'Dockerfile*', samples: ['Dockerfile', 'Dockerfile.dev'] },
  { what: '.dockerignore', samples: ['.dockerignore'] },
  { what: 'docker-compose*.yml', samples: ['docker-compose.yml', 'docker-compose.override.yml'] },
  { what: 'coverage/', samples: ['coverage/index.html'] },
  { what: '*.log', samples: ['debug.log'] },
  { what: '.vscode', samples: ['.vscode/settings.json'] },
  { what: '.idea', samples: ['.idea/workspace.xml'] },
];

const LANGUAGE_EXCLUDES: Readonly<Record<Language, readonly MustExclude[]>> = {
  node: [
    { what: 'node_modules', samples: ['node_modules/express/index.js'] },
    { what: 'dist', samples: ['dist/server.js'] },
    { what: 'build', samples: ['build/index.js'] },
    { what: '.next/cache', samples: ['.next/cache/webpack/x.pack'] },
    { what: 'npm-debug.log*', samples: ['npm-debug.log', 'npm-debug.log.1'] },
  ],
  python: [
    { what: '__pycache__', samples: ['__pycache__/x.pyc', 'app/__pycache__/main.cpython-312.pyc'] },
    { what: '*.pyc', samples: ['app/main.pyc'] },
    { what: '.venv', samples: ['.venv/bin/python'] },
    { what: 'venv', samples: ['venv/bin/python'] },
    { what: '.pytest_cache', samples: ['.pytest_cache/v/cache/nodeids'] },
    { what: '.mypy_cache', samples: ['.mypy_cache/3.12/x.json'] },
    { what: '.ruff_cache', samples: ['.ruff_cache/0.6.0/x'] },
    { what: '*.egg-info', samples: ['app.egg-info/PKG-INFO'] },
  ],
  go: [
    { what: 'bin/', samples: ['bin/server'] },
    { what: 'vendor/ (unless you vendor)', samples: [GO_VENDOR], severity: 'warning' },
    { what: '*.test', samples: ['server.test'] },
  ],
  java: [
    { what: 'target/', samples: ['target/app.jar'] },
    { what: 'build/', samples: ['build/libs/app.jar'] },
    { what: '.gradle/', samples: ['.gradle/8.14/fileHashes/x.bin'] },
  ],
};

/** Files the lockfile-based install or the build wrapper needs: excluding them breaks the build. */
const MUST_KEEP: Readonly<Record<Language, readonly string[]>> = {
  node: ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb', '.yarnrc.yml', '.yarn/releases/yarn-4.5.0.cjs'],
  python: ['pyproject.toml', 'uv.lock', 'poetry.lock', 'requirements.txt', 'Pipfile', 'Pipfile.lock'],
  go: ['go.mod', 'go.sum'],
  java: ['pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties', 'gradlew', 'gradle/wrapper/gradle-wrapper.jar', 'gradle/wrapper/gradle-wrapper.properties', 'build.gradle', 'build.gradle.kts', 'settings.gradle.kts'],
};

/** A .dockerignore pattern (Go filepath.Match plus `**`) as a RegExp over a clean relative path. */
function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything below.
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += (pattern[i + 1] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 1;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Parses .dockerignore text the way BuildKit does: comments, `!` exceptions, leading `/` and `./` dropped. */
export function parseDockerignore(content: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  content.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const negated = trimmed.startsWith('!');
    const body = (negated ? trimmed.slice(1) : trimmed).trim().replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
    if (body === '') return;
    rules.push({ line: index + 1, text: trimmed, negated, re: patternRegExp(body) });
  });
  return rules;
}

/**
 * Is `path` left out of the build context? The last rule matching the path
 * or one of its parent directories decides (as in BuildKit).
 * Returns the deciding rule, or null when nothing matches.
 */
export function decidingRule(rules: readonly IgnoreRule[], path: string): IgnoreRule | null {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let decided: IgnoreRule | null = null;
  for (const rule of rules) {
    if (candidates.some((c) => rule.re.test(c))) decided = rule;
  }
  return decided;
}

export function excluded(rules: readonly IgnoreRule[], path: string): boolean {
  const rule = decidingRule(rules, path);
  return rule !== null && !rule.negated;
}

/**
 * Checks a .dockerignore against section 2 of the checklist: every must-exclude
 * entry (common and per language) is excluded, and no lockfile or build
 * wrapper the image's install needs is. A Go module that vendors
 * (`goVendored`) builds from vendor/, which must then stay in the context.
 * Shared by `check` and the tests.
 */
export function checkDockerignore(path: string, content: string, language: Language, opts: { goVendored?: boolean } = {}): Finding[] {
  const findings: Finding[] = [];
  const rules = parseDockerignore(content);

  // Either folder name may hold the infrastructure code.
  if (!excluded(rules, 'infra/main.tf') && !excluded(rules, 'terraform/main.tf')) {
    findings.push({ path, line: null, rule: 'dockerignore/must-exclude', severity: 'error', message: 'infrastructure code is not excluded: add infra/ or terraform/' });
  }
  for (const { what, samples, severity } of [...COMMON_EXCLUDES, ...LANGUAGE_EXCLUDES[language]]) {
    if (opts.goVendored && samples.includes(GO_VENDOR)) continue;
    const missed = samples.filter((s) => !excluded(rules, s));
    if (missed.length === 0) continue;
    const rule = decidingRule(rules, missed[0] ?? '');
    const why = rule?.negated ? ` (line ${rule.line}: ${rule.text} re-includes it)` : '';
    findings.push({
      path,
      line: rule?.line ?? null,
      rule: 'dockerignore/must-exclude',
      severity: severity ?? 'error',
      message: `${what} is not excluded: ${missed.join(', ')} would reach the build context${why}`,
    });
  }
  for (const keep of MUST_KEEP[language]) {
    const rule = decidingRule(rules, keep);
    if (rule && !rule.negated) {
      findings.push({
        path,
        line: rule.line,
        rule: 'dockerignore/must-not-exclude',
        severity: 'error',
        message: `line ${rule.line}: ${rule.text} excludes ${keep}, which the install or build needs`,
      });
    }
  }
  return findings;
}
