/**
 * The script of the first step of a job that changes an environment (a
 * deploy, an apply), run on a re-run (attempt > 1) only: it stops when a newer
 * run of the same workflow on the default branch is for another commit, since
 * this run's older code would undo what that one did. A first attempt that
 * waited in the queue is in order and goes on. The step's env holds GH_TOKEN
 * and BRANCH; the job needs `actions: read` to list the runs.
 */
export function rerunGuard(o: {
  /** File name of the workflow in .github/workflows/. */
  workflowFile: string;
  /** How a run of it is called in the message: 'Deploy', 'infra'. */
  label: string;
  /** What this run would do: 'a re-run of this one would deploy older code over it'. */
  harm: string;
  /** What to do instead, after re-running the newest: 'go back with the Rollback workflow'. */
  instead: string;
}): string {
  const runs = `repos/$GITHUB_REPOSITORY/actions/workflows/${o.workflowFile}/runs?branch=$BRANCH&exclude_pull_requests=true&per_page=1`;
  return [
    'set -euo pipefail',
    `newest=$(gh api "${runs}" --jq '.workflow_runs[0] | "\\(.run_number) \\(.head_sha)"')`,
    'read -r number sha <<< "$newest"',
    'if [ "$number" -gt "$GITHUB_RUN_NUMBER" ] && [ "$sha" != "$GITHUB_SHA" ]; then',
    `  echo "::error::${o.label} run #$number (\${sha:0:7}) is newer than this one (\${GITHUB_SHA:0:7}): ${o.harm}. Re-run #$number, or ${o.instead}."`,
    '  exit 1',
    'fi',
  ].join('\n');
}
