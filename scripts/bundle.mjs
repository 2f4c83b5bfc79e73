// The CLI bundled for bin/pledge.cjs (dist/bundle/), run by `npm run build` after tsc; tsc's
// dist/ stays the library (package.json main). Issue 15, docs/benchmarks.md, docs/design.md:
// - CommonJS, so that each file compiles from a V8 code cache (scripts/code-cache.cjs): Node 20
//   caches no compilation itself.
// - pledge.cjs is the option table; commands.cjs every command, loaded when one runs, with the
//   option table's modules taken from it; openpgp.cjs is openpgp.js's own CommonJS build (its
//   AES tables made on first use), loaded when a command first needs it; the two thread scripts
//   are whole bundles of their own.
// - The caches come from a run: after bundling, this script runs `--help` and the bundled example
//   in-process and writes each file's cache with every function those runs compiled.
// The bundle sits two folders below the package root as tsc's modules do, so the URLs they make
// from import.meta.url (package.json, schema/, the thread scripts beside them) still resolve.
// Packages loaded through createRequire (yaml, ignore, undici, ajv) stay in node_modules.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { build } from 'esbuild';
import { lazyAesTables } from './bundle/lazy-aes-tables.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, 'dist', 'bundle');
const require = createRequire(import.meta.url);

// File names change with their content only through a rebuild: leave no stale bundle or cache.
rmSync(OUT, { recursive: true, force: true });

/**
 * The reading thread and the pool each start `./worker.js` beside their module; in the bundle
 * their code is in dist/bundle/commands.cjs, so each is pointed at its own bundled entry.
 */
const WORKERS = { 'src/pipeline/reader/reader.ts': 'reader-worker', 'src/pipeline/pool/pool.ts': 'pool-worker' };
const workerScripts = {
  name: 'worker-scripts',
  setup(build) {
    build.onLoad({ filter: /pipeline\/(reader\/reader|pool\/pool)\.ts$/ }, ({ path }) => {
      const entry = Object.entries(WORKERS).find(([source]) => path.endsWith(source))[1];
      const text = readFileSync(path, 'utf8');
      const pattern = "new URL('./worker.js', import.meta.url)";
      if (!text.includes(pattern)) throw new Error(`${path} no longer starts ${pattern}: update scripts/bundle.mjs`);
      return { contents: text.replace(pattern, `new URL('./${entry}.cjs', import.meta.url)`), loader: 'ts' };
    });
  },
};

/** The code that loads `file` of dist/bundle/ with its code cache, from inside a bundle. */
const loadBeside = (file) => `require('./code-cache.cjs').load(require('node:path').join(__dirname, ${JSON.stringify(file)}))`;

/** `import … from 'openpgp'` becomes dist/bundle/openpgp.cjs, loaded with its code cache. */
const openpgpFile = {
  name: 'openpgp-file',
  setup(build) {
    build.onResolve({ filter: /^openpgp$/ }, () => ({ path: 'openpgp', namespace: 'openpgp-file' }));
    build.onLoad({ filter: /.*/, namespace: 'openpgp-file' }, () => ({ contents: `module.exports = ${loadBeside('openpgp.cjs')};`, loader: 'js' }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The code's import.meta.url, for the files it opens beside itself (see above).
  define: { 'import.meta.url': '__pledgeModuleURL' },
  banner: { js: "const __pledgeModuleURL = require('node:url').pathToFileURL(__filename).href;" },
  external: ['./code-cache.cjs'],
  logLevel: 'warning',
  absWorkingDir: ROOT,
};

// 1. The shell: the option table (cli/main.ts and what it imports). Each command's `import()`
//    becomes a lazy require of its module in commands.cjs. The shell publishes every module it
//    holds, so that commands.cjs uses the same ones (one PledgeError class, one of each module).
const COMMANDS = /^\.\/(commands\/[a-z-]+|completion|man-page)\.js$/;
const commandKey = (path) =>
  path
    .replace(/^\.\//, '')
    .replace(/\.js$/, '')
    .replace(/[^a-z]/g, '_');
const commandImports = new Map();
const lazyCommands = {
  name: 'lazy-commands',
  setup(build) {
    build.onResolve({ filter: COMMANDS }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.endsWith('src/cli/main.ts')) return undefined;
      commandImports.set(commandKey(args.path), join(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
      return { path: commandKey(args.path), namespace: 'command' };
    });
    build.onLoad({ filter: /.*/, namespace: 'command' }, ({ path }) => ({ contents: `module.exports = ${loadBeside('commands.cjs')}.${path};`, loader: 'js' }));
  },
};
/**
 * commander requires node:child_process at the top of its Command module, for executable
 * subcommands, which pledge has none of; loading it (and net, dgram) costs --help about 2 ms.
 * It is required when commander would first spawn.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const line = "const childProcess = require('node:child_process');";
      if (!text.includes(line) || (text.match(/childProcess\.(\w+)/g) ?? []).some((use) => use !== 'childProcess.spawn')) throw new Error(`${path} uses node:child_process otherwise now: update scripts/bundle.mjs`);
      return { contents: text.replace(line, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};
const SHELL_REGISTRY = "globalThis[Symbol.for('pledge.shell-modules')]";
// Each module is required when commands.cjs first asks for it: the shell loads some of its own
// modules only when needed (cli/main.ts's error path), and --help should not evaluate them.
const shellEntry = (inputs) => ({
  contents: ["export * from './src/cli/main.ts';", `const modules = ${SHELL_REGISTRY} = {};`, ...inputs.map((input) => `Object.defineProperty(modules, ${JSON.stringify(input)}, { get: () => require(${JSON.stringify(`./${input}`)}) });`)].join('\n'),
  resolveDir: ROOT,
  loader: 'js',
});
// A first pass finds the shell's modules; the second builds it with their registry.
const probe = await build({ ...common, entryPoints: ['src/cli/main.ts'], write: false, metafile: true, outdir: OUT, plugins: [lazyCommands, lazyChildProcess] });
const shellInputs = Object.keys(probe.metafile.inputs).filter((input) => !input.includes(':') && /\.(ts|js|cjs|mjs)$/.test(input));
await build({ ...common, stdin: shellEntry(shellInputs), outfile: `${OUT}/pledge.cjs`, plugins: [lazyCommands, lazyChildProcess] });

// 2. The commands, each module of the shell taken from its registry rather than bundled again.
const fromShell = {
  name: 'from-shell',
  setup(build) {
    const shared = new Set(shellInputs.map((input) => join(ROOT, input)));
    build.onResolve({ filter: /^[^:]*$/ }, async (args) => {
      if (args.pluginData?.resolving || args.kind === 'entry-point') return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } });
      return shared.has(resolved.path) ? { path: relative(ROOT, resolved.path), namespace: 'shell' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'shell' }, ({ path }) => ({ contents: `module.exports = ${SHELL_REGISTRY}[${JSON.stringify(path)}];`, loader: 'js' }));
  },
};
await build({
  ...common,
  stdin: { contents: [...commandImports].map(([key, file]) => `export * as ${key} from ${JSON.stringify(file)};`).join('\n'), resolveDir: ROOT, loader: 'js' },
  outfile: `${OUT}/commands.cjs`,
  plugins: [workerScripts, openpgpFile, fromShell],
});

// 3. The thread scripts, each whole: a thread shares no module with the main thread.
await build({
  ...common,
  entryPoints: { 'reader-worker': 'src/pipeline/reader/worker.ts', 'pool-worker': 'src/pipeline/pool/worker.ts' },
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  plugins: [openpgpFile],
});
copyFileSync(join(ROOT, 'scripts', 'code-cache.cjs'), join(OUT, 'code-cache.cjs'));
// openpgp.js's own CommonJS build for Node, the one `require('openpgp')` loads, its AES tables
// made on first use (scripts/bundle/lazy-aes-tables.mjs).
writeFileSync(join(OUT, 'openpgp.cjs'), lazyAesTables(readFileSync(require.resolve('openpgp'), 'utf8')));

// The runs the caches are made from: the option table, then the main job on the bundled example.
const codeCache = require(join(OUT, 'code-cache.cjs'));
const { run } = codeCache.load(join(OUT, 'pledge.cjs'));
const silent = () => new Writable({ write: (_chunk, _encoding, done) => done() });
// NO_COLOR and no TTY: the runs take the paths a script's run takes, with nothing of this shell's.
const streams = { stdout: silent(), stderr: silent(), env: { NO_COLOR: '1' }, cwd: ROOT };
for (const argv of [['--help'], ['verify', '--offline', '--keyring', join(ROOT, 'examples', 'keys'), join(ROOT, 'examples', 'signed-post.md')]]) {
  const code = await run(['node', 'pledge', ...argv], streams);
  // The cache is only speed: a run that fails (the example's key expired, say) leaves it smaller, not the build broken.
  if (code !== 0) console.warn(`bundle: \`pledge ${argv.join(' ')}\` exited ${code} while making the code cache; the cache holds less of the CLI`);
}
codeCache.writeCaches();
