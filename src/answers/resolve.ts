import type { RepoFacts } from '../detect/types.js';
import { UserError } from '../errors.js';
import {
  CROSS_RULES,
  OPTION_NAMES,
  OPTIONS,
  type Answers,
  type DefaultContext,
  type OptionName,
  type OptionSpec,
} from './options.js';
import { valueError } from './validate-value.js';

export type AnswerSource = 'flag' | 'file' | 'prompt' | 'detected' | 'default';

/** Asks one question; given the default, the choices valid at that point and the answers so far (to validate against). */
export type AskFn = (
  name: OptionName,
  spec: OptionSpec,
  defaultValue: unknown,
  detected: boolean,
  choices: readonly string[] | null,
  answers: Partial<Answers>,
) => Promise<unknown>;

export interface ResolveInput {
  /** From command-line flags (highest precedence). */
  flags: Partial<Record<OptionName, unknown>>;
  /** From --answers or the manifest's stored answers. */
  file: Partial<Answers>;
  /** Name for the `file` source in messages, e.g. '--answers stack.json'. */
  fileLabel: string;
  facts: RepoFacts;
  /** null when there is no TTY or --yes: nothing is asked. */
  ask: AskFn | null;
}

export interface ResolvedAnswers {
  answers: Answers;
  sources: Record<OptionName, AnswerSource>;
}

/** A service name our naming rules accept, derived from the repo or service directory. */
export function suggestServiceName(facts: Pick<RepoFacts, 'appDir' | 'git' | 'dirName'>): string {
  const raw = facts.appDir !== '.' ? facts.appDir.split('/').pop()! : (facts.git.repo ?? facts.dirName);
  let name = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '');
  name = name.slice(0, 28).replace(/-+$/, '');
  return name.length >= 3 ? name : `${name || 'app'}-svc`.slice(0, 28);
}

function defaultContext(answers: Partial<Answers>, facts: RepoFacts): DefaultContext {
  return {
    answers,
    detected: {
      language: facts.language,
      serviceName: suggestServiceName(facts),
      port: facts.port,
      healthPath: facts.healthPath,
      readinessPath: facts.readinessPath,
      appDir: facts.appDir,
      owner: facts.git.owner,
    },
  };
}

/**
 * Flags > answers file > prompt > detected/default, option by option in table
 * order, so dependent choices (runtime on cloud) see what came before.
 */
export async function resolveAnswers(input: ResolveInput): Promise<ResolvedAnswers> {
  const answers: Partial<Answers> = {};
  const sources = {} as Record<OptionName, AnswerSource>;
  for (const name of OPTION_NAMES) {
    const spec = OPTIONS[name] as OptionSpec;
    const ctx = defaultContext(answers, input.facts);
    let value: unknown;
    let source: AnswerSource;
    if (name in input.flags) {
      [value, source] = [input.flags[name], 'flag'];
    } else if (name in input.file) {
      [value, source] = [input.file[name], 'file'];
    } else {
      if (name === 'language' && input.facts.language === null) unsupportedLanguage(input);
      const def = spec.default(ctx as never);
      const detected = spec.detected?.(ctx as never) ?? false;
      if (input.ask && spec.ask) {
        const choices = spec.kind === 'choice' ? (spec.choicesFor?.(answers) ?? spec.choices) : null;
        [value, source] = [await input.ask(name, spec, choiceDefault(def, choices), detected, choices, answers), 'prompt'];
      } else {
        [value, source] = [def, detected ? 'detected' : 'default'];
        // A default that is no longer valid (e.g. monitoring with --iac none) falls back to the first valid choice.
        if (spec.kind === 'choice' && valueError(name, value, answers) !== null) {
          value = (spec.choicesFor?.(answers) ?? spec.choices)[0];
        }
      }
    }
    const err = valueError(name, value, answers);
    if (err !== null) {
      throw new UserError(`${answerLabel(name, source, input.fileLabel)}: ${err}`);
    }
    (answers as Record<string, unknown>)[name] = value;
    sources[name] = source;
  }
  const complete = answers as Answers;
  for (const rule of CROSS_RULES) {
    const err = rule(complete);
    if (err !== null) throw new UserError(namingSources(err, sources, input.fileLabel));
  }
  return { answers: complete, sources };
}

/** An answer as the user gave it: its flag, its key in the answers file (or manifest), else its name. */
function answerLabel(name: OptionName, source: AnswerSource, fileLabel: string): string {
  if (source === 'flag') return `--${(OPTIONS[name] as OptionSpec).flag}`;
  return source === 'file' ? `${fileLabel}: ${name}` : name;
}

/**
 * A rule's message names options as flags (`--cloud gcp`); an answer that came
 * from the answers file or the manifest, or was detected, prompted or a
 * default, is named by where it came from instead, so the user knows what to change.
 */
function namingSources(message: string, sources: Record<OptionName, AnswerSource>, fileLabel: string): string {
  let named = message;
  for (const name of OPTION_NAMES) {
    const source = sources[name];
    if (source === 'flag') continue;
    const where = source === 'file' ? answerLabel(name, source, fileLabel) : `${answerLabel(name, source, fileLabel)} (${source})`;
    named = named.replace(new RegExp(`--${(OPTIONS[name] as OptionSpec).flag}(?![\\w-])`, 'g'), where);
  }
  return named;
}

/**
 * The stored answers `upgrade` builds on, given the answers given now (flags,
 * --answers): when those change the cloud, the answers bound to the old one
 * (its runtime, its region) are dropped unless given too, so they are derived
 * for the new cloud as on a first run, and reported with that source.
 */
export function storedAnswersFor(stored: Partial<Answers>, given: Partial<Record<OptionName, unknown>>): Partial<Answers> {
  if (given.cloud === undefined || given.cloud === stored.cloud) return stored;
  const kept: Partial<Answers> = { ...stored };
  for (const name of OPTION_NAMES) if ((OPTIONS[name] as OptionSpec).cloudBound) delete kept[name];
  return kept;
}

function choiceDefault(def: unknown, choices: readonly string[] | null): unknown {
  return choices && typeof def === 'string' && !choices.includes(def) ? choices[0] : def;
}

function unsupportedLanguage(input: ResolveInput): never {
  const { facts } = input;
  if (facts.otherLanguage) {
    throw new UserError(
      `this looks like a ${facts.otherLanguage} app, which create-devops-stack does not support yet (node, python, go, java); pass --language to override`,
    );
  }
  if (facts.services.length > 1) {
    const list = facts.services.map((s) => s.dir).join(', ');
    throw new UserError(`this repository has several services (${list}); pick one with --service-dir`);
  }
  throw new UserError(
    `no node, python, go or java app found in ${facts.appDir === '.' ? 'the target directory' : facts.appDir}; pass --language (and --service-dir for a monorepo)`,
  );
}
