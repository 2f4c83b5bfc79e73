// The CLI bundled for bin/pledge.cjs (dist/bundle/): Node loads a few files faster than the ~150
// modules tsc writes (issue 15, docs/benchmarks.md). Run by `npm run build` after tsc; tsc's
// dist/ stays the library (package.json main).
// The bundle sits two folders below the package root as tsc's modules do, so the URLs they make
// from import.meta.url (package.json, schema/, the worker scripts beside them) still resolve.
// Packages loaded through createRequire (yaml, ignore, undici, ajv) stay in node_modules, loaded
// when needed.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: leave no stale one behind.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { pledge: 'src/cli/main.ts', 'read-worker': 'src/pipeline/read-worker.ts', 'verify-worker': 'src/pipeline/verify-worker.ts' },
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
  logLevel: 'warning',
});
