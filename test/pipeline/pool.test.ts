/**
 * Issue 13 #2: a worker's failure is reported on the document it hit and never hangs the run.
 * Once an error reply was taken for "verify it on the main thread" (the document was verified
 * twice), and a pool whose workers had all died posted to a dead thread and never settled.
 * The pool runs from dist/ (`npm run build` first, as `npm test` does); the test's timeout is
 * what catches a hang.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { WorkerSetup } from '../../src/pipeline/pool/protocol.js';
import { REPO } from '../helpers/run-cli.js';

type Pool = typeof import('../../src/pipeline/pool/pool.js');
const { VerifyPool } = (await import(new URL('../../dist/pipeline/pool/pool.js', import.meta.url).href)) as Pool;

const setup = (keyrings: string[]): WorkerSetup => ({ keyrings, keyLimits: {}, limits: DEFAULT_LIMITS, now: Date.now(), fastPath: true, offline: true, cacheDirectory: null });
const POST = join(REPO, 'examples/signed-post.md');

describe('the verifying pool', () => {
  it('control: two workers on a readable keyring verify the post', async () => {
    const pool = VerifyPool.start(2, setup([join(REPO, 'examples/keys')]))!;
    try {
      const document = await pool.run(POST);
      expect(document?.blocks[0]?.signatures[0]).toMatchObject({ status: 'verified' });
    } finally {
      await pool.close();
    }
  });

  it('a worker that replies with an error: the document is rejected with it, not handed back to be verified again', async () => {
    const pool = VerifyPool.start(1, setup([]), new URL('./fixtures/error-worker.mjs', import.meta.url))!;
    try {
      await expect(pool.run('a.md')).rejects.toThrow('cannot judge a.md');
      // The worker lives on: the next document is its own.
      await expect(pool.run('b.md')).rejects.toThrow('cannot judge b.md');
    } finally {
      await pool.close();
    }
  });

  it('two workers on an unreadable keyring: every document settles with an error, during and after their deaths', { timeout: 20_000 }, async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'pledge-pool-')), 'no-such-keyring.asc');
    const pool = VerifyPool.start(2, setup([missing]))!;
    try {
      // Posted while the workers still start: rejected as each dies.
      const early = await Promise.allSettled([pool.run(POST), pool.run(POST), pool.run(POST)]);
      for (const run of early) expect(run).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/stopped/) } });
      // Posted once all are dead: rejected at once, never sent to a dead thread.
      await expect(pool.run(POST)).rejects.toThrow(/every thread verifying documents has stopped/);
    } finally {
      await pool.close();
    }
  });
});
