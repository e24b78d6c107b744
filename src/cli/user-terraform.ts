import type { Manifest } from '../apply/manifest.js';
import type { RepoFacts } from '../detect/types.js';

/** Where the infra layer writes its Terraform/OpenTofu. */
const INFRA_DIR = 'infra/';

/** At most this many paths in a message; the rest are counted. */
const SHOWN = 3;

export interface UserTerraform {
  /** The user's .tf files inside infra/, where the generated roots would go. */
  inInfra: string[];
  /** The user's .tf files elsewhere (terraform/, deploy/, the root). */
  elsewhere: string[];
}

/**
 * The repository's own Terraform, when the infra layer has not been generated
 * yet (once it has, .tf files the user adds under infra/ extend our roots).
 */
export function userTerraform(facts: RepoFacts, manifest: Manifest | null): UserTerraform {
  const ours = Object.entries(manifest?.files ?? {});
  if (ours.some(([, f]) => f.layer === 'infra')) return { inInfra: [], elsewhere: [] };
  const theirs = facts.existing.terraform.filter((p) => manifest?.files[p] === undefined);
  return { inInfra: theirs.filter((p) => p.startsWith(INFRA_DIR)), elsewhere: theirs.filter((p) => !p.startsWith(INFRA_DIR)) };
}

/** What the user should know about their Terraform before the generated one is written. */
export function userTerraformNotes(found: UserTerraform): string[] {
  const notes: string[] = [];
  if (found.inInfra.length > 0) {
    notes.push(`infra/ has Terraform of yours (${listed(found.inInfra)}): the generated roots go beside it, and the infra workflow format-checks, lints and scans all of infra/, yours included`);
  }
  if (found.elsewhere.length > 0) {
    notes.push(`keeping your Terraform (${listed(found.elsewhere)}): the generated infra/ does not use it and creates its own resources; check that the two do not manage the same ones`);
  }
  return notes;
}

/** Why a run stops (exit 2) when the user's Terraform is in infra/ and --on-conflict is fail. */
export function userTerraformStop(found: UserTerraform): string {
  return `infra/ has Terraform that create-devops-stack did not write (${listed(found.inInfra)}); nothing was written: move yours out of infra/ (to terraform/, say), pass --iac none to generate no infrastructure, or rerun with --on-conflict keep to write the generated roots beside it`;
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, SHOWN).join(', ');
  return paths.length > SHOWN ? `${shown} and ${paths.length - SHOWN} more` : shown;
}
