// Bundles the GitHub Action (action/src/main.ts and the pledge sources it runs) into one
// CommonJS file that the runner's Node starts without any install:
//   node scripts/build-action.mjs [--outfile FILE]     (default action/dist/index.cjs, committed)
// test/action/action.test.ts rebuilds it and fails when the committed file differs.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { outfile: { type: 'string', default: 'action/dist/index.cjs' } } });

/**
 * The sources load some dependencies lazily with createRequire(import.meta.url), which a bundler
 * cannot follow: as plain require() calls esbuild bundles them, still loaded on first use.
 */
const lazyRequires = {
  name: 'lazy-requires',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll('createRequire(import.meta.url)(', 'require('),
      loader: 'ts',
    }));
  },
};

await build({
  entryPoints: ['action/src/main.ts'],
  outfile: values.outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // import.meta.url is the bundle's own URL: package.json and schema/ are found two folders up,
  // as from dist/cli/, in the action's checkout; the worker scripts are not there, so none starts.
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: "const import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyRequires],
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
});
