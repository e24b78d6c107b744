import { Option, type Command } from 'commander';
import { OPTION_NAMES, OPTIONS, type OptionName, type OptionSpec } from '../answers/options.js';
import { parseFlagValue, valueError } from '../answers/validate-value.js';
import { UserError } from '../errors.js';

function describe(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'choice':
      return `${spec.message} (${spec.choices.join(' | ')})`;
    case 'list':
      return `${spec.message}`;
    case 'string':
      return spec.message;
    default:
      return `${spec.message} (${spec.minimum}-${spec.maximum})`;
  }
}

/** One flag per option of the table, e.g. `--cloud <aws|gcp|azure>`. */
export function addOptionFlags(cmd: Command): Command {
  for (const name of OPTION_NAMES) {
    const spec = OPTIONS[name] as OptionSpec;
    const arg = spec.kind === 'choice' ? spec.choices.join('|') : spec.kind === 'list' ? 'a,b' : 'value';
    cmd.addOption(new Option(`--${spec.flag} <${arg}>`, describe(spec)));
  }
  return cmd;
}

/** Typed, validated option values from commander's parsed flags (only those given). */
export function optionFlags(parsed: Record<string, unknown>): Partial<Record<OptionName, unknown>> {
  const flags: Partial<Record<OptionName, unknown>> = {};
  for (const name of OPTION_NAMES) {
    const raw = parsed[name];
    if (raw === undefined) continue;
    const value = parseFlagValue(name, String(raw));
    // Dependent choices (runtime on cloud) are checked again once all answers are known.
    const err = valueError(name, value);
    if (err !== null) throw new UserError(`--${OPTIONS[name].flag}: ${err}`);
    flags[name] = value;
  }
  return flags;
}
