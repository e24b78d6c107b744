import { Command, CommanderError, Option } from 'commander';
import { describeSystemError, isCancelled, isUserError, UserError } from '../errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../package-root.js';
import { addOptionFlags, optionFlags } from './flags.js';
import { loadCheck, loadCommands } from './load-commands.js';
import { createOutput, type Output } from './output.js';
import { isTerminal, writeFd } from './stdio.js';

// Applying a plan syncs every file it wrote at once (apply/transaction.ts).
// libuv's pool runs 4 at a time by default, each waiting for its own journal
// commit; a larger pool lets the filesystem sync them in fewer commits. Read
// when the pool starts, on the first asynchronous file operation: after this.
process.env['UV_THREADPOOL_SIZE'] ??= '32';

/**
 * Entry point: argv -> command. The only place that sets the exit code or
 * prints a stack trace (with --verbose). Heavy modules (plop, templates,
 * prompts) are imported inside the commands, so --help stays fast.
 */
const LAYER_NAMES = ['docker', 'pipeline', 'infra', 'monitoring'] as const;

interface CommonFlags {
  yes?: boolean;
  answers?: string;
  dryRun?: boolean;
  json?: boolean;
  color?: boolean;
  onConflict?: 'fail' | 'keep' | 'overwrite';
  verbose?: boolean;
  allowDirty?: boolean;
}

function addGenerateFlags(cmd: Command): Command {
  cmd
    .option('-y, --yes', 'write without asking; never prompt (missing answers are detected or defaulted)')
    .option('--answers <file.json>', 'read answers from a JSON file (schema: schema/answers.schema.json)')
    .option('--dry-run', 'show the plan and diffs, write nothing')
    .option('--json', 'print the plan as JSON (implies no prompts)')
    .addOption(new Option('--on-conflict <policy>', 'when a file we did not generate is in the way, or (upgrade) an edited one conflicts or cannot be merged').choices(['fail', 'keep', 'overwrite']).default('fail'));
  return addOptionFlags(cmd);
}

function output(flags: CommonFlags): Output {
  return createOutput({ color: flags.color !== false });
}

async function generate(dir: string, flags: CommonFlags, generator: 'stack' | (typeof LAYER_NAMES)[number], mode: 'init' | 'upgrade'): Promise<number> {
  const { runGenerate } = await loadCommands();
  // isTerminal rather than process.stdin.isTTY: creating the stdio streams
  // loads Node modules that only prompts use (see stdio.ts).
  const interactive = !flags.yes && !flags.json && isTerminal(0) && isTerminal(1);
  return runGenerate(
    {
      dir,
      flags: optionFlags(flags as Record<string, unknown>),
      answersFile: flags.answers,
      yes: flags.yes === true,
      dryRun: flags.dryRun === true,
      json: flags.json === true,
      onConflict: flags.onConflict ?? 'fail',
      generator,
      mode,
      interactive,
      allowDirty: flags.allowDirty === true,
    },
    output(flags),
  );
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command(TOOL_NAME)
    .description('Write a production-grade DevOps stack into an application repository.')
    .version(TOOL_VERSION, '-v, --version')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--verbose', 'show stack traces on errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    // Help and version to fd 1 as all other output (stdio.ts); errors are main's to print.
    .configureOutput({
      writeOut: (text) => writeFd(1, text),
      writeErr: () => {},
      // Commander wraps at 80 columns when the width is unknown.
      getOutHelpWidth: () => (isTerminal(1) ? (process.stdout.columns ?? 80) : 80),
      // Our help has no colours: nothing to keep when commander measures or strips it.
      getOutHasColors: () => false,
    });

  addGenerateFlags(
    program
      .command('init', { isDefault: true })
      .description('detect the app, ask, and write the whole stack (the default command)')
      .argument('[dir]', 'target repository', '.'),
  ).action(async (dir: string, _o, cmd: Command) => setExit(await generate(dir, cmd.optsWithGlobals(), 'stack', 'init')));

  addGenerateFlags(
    program
      .command('add')
      .description('add one layer to an existing repository; never overwrites your files')
      .argument('<layer>', LAYER_NAMES.join(' | '))
      .argument('[dir]', 'target repository', '.'),
  ).action(async (layer: string, dir: string, _o, cmd: Command) => {
    if (!(LAYER_NAMES as readonly string[]).includes(layer)) throw new UserError(`add: unknown layer '${layer}' (choose ${LAYER_NAMES.join(', ')})`);
    setExit(await generate(dir, cmd.optsWithGlobals(), layer as (typeof LAYER_NAMES)[number], 'init'));
  });

  addGenerateFlags(
    program
      .command('upgrade')
      .description('re-render with the stored answers; merges your edits, marks conflicts')
      .argument('[dir]', 'target repository', '.')
      .option('--allow-dirty', 'run even when generated files have uncommitted changes'),
  ).action(async (dir: string, _o, cmd: Command) => setExit(await generate(dir, cmd.optsWithGlobals(), 'stack', 'upgrade')));

  program
    .command('detect')
    .description('print what was detected in the repository')
    .argument('[dir]', 'target repository', '.')
    .option('--json', 'print RepoFacts as JSON')
    .option('--service-dir <path>', 'the service directory inside a monorepo')
    .action(async (dir: string, _o, cmd: Command) => {
      const { runDetect } = await loadCommands();
      setExit(runDetect(dir, cmd.optsWithGlobals(), output(cmd.optsWithGlobals())));
    });
  program
    .command('check')
    .description('validate the generated files and report drift (exit 0 clean, 1 errors, 2 drift only)')
    .argument('[dir]', 'target repository', '.')
    .option('--json', 'print findings and drift as JSON')
    .option('--github-annotations', 'print each finding as a GitHub Actions annotation, shown on its file and line in the pull request')
    .action(async (dir: string, _o, cmd: Command) => {
      const { runCheck } = await loadCheck();
      setExit(await runCheck(dir, cmd.optsWithGlobals(), output(cmd.optsWithGlobals())));
    });
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  const verbose = argv.includes('--verbose');
  const err = (msg: string) => writeFd(2, `${TOOL_NAME}: ${msg}\n`);
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      err(e.message.replace(/^error: /, ''));
      return 1;
    }
    if (isCancelled(e)) {
      err(e.message);
      return 130;
    }
    if (isUserError(e)) {
      err(e.message);
      if (verbose) writeFd(2, `${e.stack ?? ''}\n`);
      return e.exitCode;
    }
    // The machine's errors (permissions, a full disk) are the user's to fix; anything else is a bug.
    err(describeSystemError(e) ?? `internal error: ${(e as Error).message ?? String(e)} (rerun with --verbose and report it)`);
    if (verbose) writeFd(2, `${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}

