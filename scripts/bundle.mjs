// The CLI bundled for bin/pledge.cjs (dist/bundle/): Node loads a few files faster than the ~150
// modules tsc writes (issue 15, docs/benchmarks.md). Run by `npm run build` after tsc; tsc's
// dist/ stays the library (package.json main).
// The bundle sits two folders below the package root as tsc's modules do, so the URLs they make
// from import.meta.url (package.json, schema/, the worker scripts beside them) still resolve.
// Packages loaded through createRequire (yaml, ignore, undici, ajv) stay in node_modules, loaded
// when needed.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

// Chunk names change with their content: leave no stale one behind.
rmSync('dist/bundle', { recursive: true, force: true });

/**
 * The reading thread and the pool each start `./worker.js` beside their module; in the bundle
 * their code sits in a chunk of dist/bundle/, so each is pointed at its own bundled entry.
 */
const WORKERS = { 'src/pipeline/reader/reader.ts': 'reader-worker', 'src/pipeline/pool/pool.ts': 'pool-worker' };
const workerScripts = {
  name: 'worker-scripts',
  setup(build) {
    build.onLoad({ filter: /pipeline\/(reader\/reader|pool\/pool)\.ts$/ }, async ({ path }) => {
      const entry = Object.entries(WORKERS).find(([source]) => path.endsWith(source))[1];
      const text = await readFile(path, 'utf8');
      const pattern = "new URL('./worker.js', import.meta.url)";
      if (!text.includes(pattern)) throw new Error(`${path} no longer starts ${pattern}: update scripts/bundle.mjs`);
      return { contents: text.replace(pattern, `new URL('./${entry}.js', import.meta.url)`), loader: 'ts' };
    });
  },
};

await build({
  entryPoints: { pledge: 'src/cli/main.ts', 'reader-worker': 'src/pipeline/reader/worker.ts', 'pool-worker': 'src/pipeline/pool/worker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  // Chunks: the entry is the option table alone; a command's code loads when it runs (cli/main.ts).
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS packages bundled into an ES module call require(); give them Node's.
  banner: { js: "import { createRequire as __pledgeRequire } from 'node:module'; const require = __pledgeRequire(import.meta.url);" },
  plugins: [workerScripts],
  logLevel: 'warning',
});
