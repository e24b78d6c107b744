/** File names (inside .github/workflows/) of the generated workflows. */
export interface WorkflowFiles {
  ci: string;
  deploy: string;
  rollback: string;
  build: string;
}

export const WORKFLOW_DIR = '.github/workflows';

/**
 * Our workflow names, or a `devops-stack-` prefixed one when the repository
 * already has a workflow of that name that we did not generate. `generated`
 * (from the manifest) keeps whichever name an earlier run chose. The pipeline
 * writes the workflows under these names, and the monitoring layer's docs and
 * runbooks name them in their commands.
 */
export function workflowFiles(existing: readonly string[], generated: ReadonlySet<string> = new Set()): WorkflowFiles {
  const pick = (name: string): string => workflowFile(name, existing, generated);
  return { ci: pick('ci.yml'), deploy: pick('deploy.yml'), rollback: pick('rollback.yml'), build: pick('_build.yml') };
}

/** One workflow's file name, as workflowFiles picks them (the infra layer's infra.yml too). */
export function workflowFile(name: string, existing: readonly string[], generated: ReadonlySet<string> = new Set()): string {
  if (generated.has(`${WORKFLOW_DIR}/${name}`)) return name;
  if (generated.has(`${WORKFLOW_DIR}/devops-stack-${name}`)) return `devops-stack-${name}`;
  const taken = new Set(existing.filter((p) => !generated.has(p)).map((p) => p.toLowerCase()));
  return taken.has(`${WORKFLOW_DIR}/${name}`) || taken.has(`${WORKFLOW_DIR}/${name.replace(/\.yml$/, '.yaml')}`) ? `devops-stack-${name}` : name;
}

/**
 * What to tell the user for each workflow of theirs that took one of our
 * names: theirs is kept and ours is written beside it, so both run unless
 * they do different jobs. `existing`: the repository's workflow paths.
 */
export function keptWorkflowNotes(existing: readonly string[], files: readonly string[]): string[] {
  const notes: string[] = [];
  for (const ours of files) {
    if (!ours.startsWith('devops-stack-')) continue;
    const plain = `${WORKFLOW_DIR}/${ours.slice('devops-stack-'.length)}`.toLowerCase();
    const yours = existing.filter((p) => p.toLowerCase() === plain || p.toLowerCase() === plain.replace(/\.yml$/, '.yaml'));
    for (const path of yours) {
      notes.push(`keeping your ${path}: the generated workflow is ${WORKFLOW_DIR}/${ours}, beside it; if yours does the same job, remove one of them so it does not run twice`);
    }
  }
  return notes;
}
