// The CLI bundled for bin/pledge.cjs (dist/bundle/), run by `npm run build` after tsc; tsc's
// dist/ stays the library (package.json main). Issue 15, docs/benchmarks.md:
// - CommonJS, so that the bundle compiles from a V8 code cache (scripts/code-cache.cjs): Node 20
//   caches no ES module's compilation. One file for the CLI, a command's code evaluated when it
//   runs (esbuild turns its `import()` into a lazy require); one per thread script.
// - openpgp.js in a file of its own (its CommonJS build, as published), loaded with its cache when
//   a command first needs it: `--help` never reads it, and the threads share its cache.
// - The caches come from a run: after bundling, this script runs `--help` and the bundled example
//   in-process and writes each bundle's cache with every function those runs compiled.
// The bundle sits two folders below the package root as tsc's modules do, so the URLs they make
// from import.meta.url (package.json, schema/, the thread scripts beside them) still resolve.
// Packages loaded through createRequire (yaml, ignore, undici, ajv) stay in node_modules.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { build } from 'esbuild';

const OUT = 'dist/bundle';
const require = createRequire(import.meta.url);

// File names change with their content only through a rebuild: leave no stale bundle or cache.
rmSync(OUT, { recursive: true, force: true });

/**
 * The reading thread and the pool each start `./worker.js` beside their module; in the bundle
 * their code is in dist/bundle/pledge.cjs, so each is pointed at its own bundled entry.
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

/** `import … from 'openpgp'` becomes dist/bundle/openpgp.cjs, loaded with its code cache. */
const openpgpFile = {
  name: 'openpgp-file',
  setup(build) {
    build.onResolve({ filter: /^openpgp$/ }, () => ({ path: 'openpgp', namespace: 'openpgp-file' }));
    build.onLoad({ filter: /.*/, namespace: 'openpgp-file' }, () => ({
      contents: "module.exports = require('./code-cache.cjs').load(require('node:path').join(__dirname, 'openpgp.cjs'));",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: { pledge: 'src/cli/main.ts', 'reader-worker': 'src/pipeline/reader/worker.ts', 'pool-worker': 'src/pipeline/pool/worker.ts' },
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The code's import.meta.url, for the files it opens beside itself (see above).
  define: { 'import.meta.url': '__pledgeModuleURL' },
  banner: { js: "const __pledgeModuleURL = require('node:url').pathToFileURL(__filename).href;" },
  external: ['./code-cache.cjs'],
  plugins: [workerScripts, openpgpFile],
  logLevel: 'warning',
});
copyFileSync('scripts/code-cache.cjs', `${OUT}/code-cache.cjs`);
// openpgp.js's own CommonJS build for Node, the one `require('openpgp')` loads.
copyFileSync(require.resolve('openpgp'), `${OUT}/openpgp.cjs`);

// The runs the caches are made from: the option table, then the main job on the bundled example.
const codeCache = require(`../${OUT}/code-cache.cjs`);
const { run } = codeCache.load(new URL(`../${OUT}/pledge.cjs`, import.meta.url).pathname);
const silent = () => new Writable({ write: (_chunk, _encoding, done) => done() });
// NO_COLOR and no TTY: the runs take the paths a script's run takes, with nothing of this shell's.
const streams = { stdout: silent(), stderr: silent(), env: { NO_COLOR: '1' }, cwd: process.cwd() };
for (const argv of [['--help'], ['verify', '--offline', '--keyring', 'examples/keys', 'examples/signed-post.md']]) {
  const code = await run(['node', 'pledge', ...argv], streams);
  if (code !== 0) throw new Error(`bundle: \`pledge ${argv.join(' ')}\` exited ${code} while making the code cache`);
}
codeCache.writeCaches();
