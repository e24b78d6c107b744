import { parse } from 'yaml';
import type { Finding } from './types.js';

// A job that calls a reusable workflow of the same repository caps the
// GITHUB_TOKEN of every job in it: a called job that asks for more than its
// caller grants makes GitHub reject the whole run ("The nested job ... is
// requesting 'security-events: write', but is only allowed 'none'"). actionlint
// checks one file at a time, so it cannot see this.

type Level = 'none' | 'read' | 'write';
const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };
type Permissions = { all: Level } | { scopes: Record<string, Level> };

interface Job {
  uses?: unknown;
  permissions?: unknown;
}
interface Workflow {
  permissions?: unknown;
  jobs?: Record<string, Job>;
}

/** A `permissions:` value, or null when it is absent (the repository's default token: not checkable here). */
function permissionsOf(value: unknown): Permissions | null {
  if (value === undefined || value === null) return null;
  if (value === 'read-all') return { all: 'read' };
  if (value === 'write-all') return { all: 'write' };
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  const scopes: Record<string, Level> = {};
  for (const [scope, level] of Object.entries(value)) if (level === 'read' || level === 'write' || level === 'none') scopes[scope] = level;
  return { scopes };
}

const levelOf = (p: Permissions, scope: string): Level => ('all' in p ? p.all : (p.scopes[scope] ?? 'none'));
const scopesOf = (p: Permissions): string[] => ('all' in p ? [] : Object.keys(p.scopes));

/**
 * Jobs calling `./.github/workflows/<file>` must grant at least what every job
 * of the called workflow asks for (its own `permissions:`, else the called
 * workflow's top-level ones). `workflows`: path -> content, the repository's
 * workflows; files that do not parse are left to the single-file checks.
 */
export function reusableCallFindings(workflows: ReadonlyMap<string, string>): Finding[] {
  const parsed = new Map<string, Workflow>();
  for (const [path, content] of workflows) {
    try {
      const doc = parse(content) as unknown;
      if (doc !== null && typeof doc === 'object') parsed.set(path, doc as Workflow);
    } catch {
      // Reported by checkWorkflow.
    }
  }
  const findings: Finding[] = [];
  for (const [path, wf] of parsed) {
    for (const [jobId, job] of Object.entries(wf.jobs ?? {})) {
      if (typeof job?.uses !== 'string' || !job.uses.startsWith('./.github/workflows/')) continue;
      const calledPath = job.uses.slice(2).split('@')[0]!;
      const called = parsed.get(calledPath);
      const granted = permissionsOf(job.permissions) ?? permissionsOf(wf.permissions);
      if (!called || !granted) continue;
      for (const [calledJobId, calledJob] of Object.entries(called.jobs ?? {})) {
        const asked = permissionsOf(calledJob?.permissions) ?? permissionsOf(called.permissions);
        if (!asked) continue;
        const scopes = 'all' in asked ? [...new Set([...scopesOf(granted), 'contents'])] : scopesOf(asked);
        for (const scope of scopes) {
          const need = levelOf(asked, scope);
          const have = levelOf(granted, scope);
          if (RANK[need] > RANK[have]) {
            findings.push({ path, line: null, rule: 'workflow/reusable-permissions', severity: 'error', message: `job "${jobId}" calls ${calledPath}, whose job "${calledJobId}" asks for ${scope}: ${need}, but "${jobId}" grants ${have}` });
          }
        }
      }
    }
  }
  return findings;
}
