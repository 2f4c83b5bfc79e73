import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:fast`: the unit tests only, on a machine without a build, GnuPG/Sequoia, Chromium
// or an SKS keyserver. Excluded: whatever runs the built CLI (test/helpers/run-cli.ts) or
// dist/, calls gpg/sq, drives Chromium, starts SKS, or fuzzes. `npm test` still runs everything.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'test/cli/**',
        'test/action/**',
        'test/detached/batch.test.ts',
        'test/detached/cli.test.ts',
        'test/detached/readme.test.ts',
        'test/detached/repository.test.ts',
        'test/inline/inline-everywhere.test.ts',
        'test/inline/progress.test.ts',
        'test/inline/repository.test.ts',
        'test/pipeline/pool.test.ts',
        'test/pipeline/threads.test.ts',
        'test/threshold/threshold.test.ts',
        'test/web/**',
        'test/fuzz/**',
        'test/security/**',
        'test/evidence/**',
        'test/verify/key-history/**',
        'test/discovery/cache-kill.test.ts',
        'test/discovery/hostile-servers.test.ts',
        'test/discovery/key-discovery.test.ts',
        'test/discovery/read-keys.test.ts',
        'test/discovery/source-down.test.ts',
        'test/extract/html-reading.test.ts',
        'test/fixtures.test.ts',
        'test/pipeline/document-reader.test.ts',
        'test/realworld.test.ts',
        'test/repo/config-schema.test.ts',
        'test/repo/signers-repo.test.ts',
        'test/sign/sign.test.ts',
        'test/verify/fast-path-differential.test.ts',
      ],
    },
  }),
);
