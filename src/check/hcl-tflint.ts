import type { Finding } from './types.js';
import type { ModuleDecls } from './hcl-refs.js';

// The generated infra CI runs tflint with its terraform ruleset's "recommended"
// preset, where every issue fails the job. tflint does not run here, so these
// are its rules that terraform validate and the other HCL checks do not cover:
// a generated stack must never fail the user's first tflint run.

/**
 * terraform_unused_declarations, terraform_typed_variables and
 * terraform_required_providers for one module directory. Directories in
 * `incomplete` (a file did not parse) are skipped: what they use is partly unknown.
 */
export function checkTflintRules(decls: ModuleDecls, incomplete: ReadonlySet<string> = new Set()): Finding[] {
  if (incomplete.has(decls.dir)) return [];
  const findings: Finding[] = [];
  const add = (path: string, rule: string, message: string) => findings.push({ path, line: null, rule, message, severity: 'error' });
  for (const [name, file] of decls.declaredIn) if (!decls.used.has(name)) add(file, 'hcl/unused-declaration', `${name} is declared in ${decls.dir} but never used`);
  for (const { name, file } of decls.untyped) add(file, 'hcl/untyped-variable', `variable "${name}" in ${decls.dir} has no type`);
  for (const [provider, file] of decls.providersUsed) {
    // Terraform's own provider (terraform_data) needs no entry.
    if (provider === 'terraform') continue;
    const req = decls.requiredProviders.get(provider);
    if (!req?.source || !req.version) add(file, 'hcl/required-providers', `provider "${provider}" is used in ${decls.dir} without a source and version in required_providers`);
  }
  return findings;
}
