import { PledgeError } from '../core/reasons.js';
import { toPosixPath, walkReaches } from '../extract/collect-paths.js';
import type { LookupRecord } from '../discovery/discover-keys.js';
import type { ManifestDocument } from '../report/manifest.js';
import { describeDocument } from './describe-document.js';
import { DetachedPairing } from './detached-documents.js';
import { mapOrdered } from './map-ordered.js';
import type { RunPlan } from './plan.js';
import { VerifyPool } from './pool/pool.js';
import { openSource, type SourceItem } from './source.js';

/**
 * Carries out a plan: document → blocks → cleartext → keys → verdicts, `concurrency` documents
 * in flight, each handed to `onDocument` in input order as soon as it and those before it are
 * done. The one place a run is sequenced, whatever the command, mode or output format.
 */
export async function runPlan<S>(plan: RunPlan<S>, onDocument: (document: ManifestDocument<S>) => Promise<void> | void): Promise<{ lookups: LookupRecord[] }> {
  const { limits, execution, origin } = plan;
  // Opened first, so the walk and the reads overlap loading the keys.
  const source = openSource(origin, limits, execution.readerAfter);
  // Any failure before the documents are taken (a --keyring that cannot be read) stops the
  // reading thread too, or it would wait for room forever and keep the process alive.
  const judging = await plan.judging().catch(async (error: unknown) => {
    await source.close();
    throw error;
  });
  const { judge } = judging;
  const pool = { current: null as VerifyPool | null, tried: false };
  try {
    // Worker threads pay for themselves only on long runs (each loads the keys and warms up):
    // they start after the first documents; then the main thread only reads results, writes
    // output and verifies what needs the network. A long run is known from a quick count of
    // the files: its workers start at once.
    const settings = origin.kind === 'paths' ? execution.pool : null;
    const walk = origin.kind === 'paths' ? origin : null;
    const startPool = () => {
      pool.tried = true;
      pool.current = VerifyPool.start(settings!.workers, settings!.setup());
    };
    if (settings && walk && walkReaches(walk.paths, walk.collect, settings.after)) startPool();
    let count = 0;
    const pairing = new DetachedPairing();
    const signatureFiles = origin.kind === 'paths' ? origin.signatureFiles : undefined;
    // null: a detached signature met in the walk, which its document's entry holds.
    const describe = async (item: SourceItem): Promise<ManifestDocument<S> | null> => {
      if (settings && !pool.tried && count++ >= settings.after) startPool();
      const { path, shown = path, walked = false, document: read } = item;
      const described = await guarded<S>(shown, async () => {
        if (item.inMemory) return describeDocument(path, shown, limits, judge, read, walked);
        // Only a plain plan has a pool (origin 'paths'): its workers judge as `judge` does.
        const fromPool = !read && pool.current ? ((await pool.current.run(path, walked)) as ManifestDocument<S> | null) : null;
        return fromPool ?? (await pairing.describe(path, shown, limits, judge, read, walked, signatureFiles));
      });
      if (!described) return null;
      if (item.fetch) described.fetch = item.fetch;
      if (plan.signedOnly && described.status === 'not-signed') described.verdict = 'skipped';
      return described;
    };
    try {
      for await (const document of mapOrdered(source.items, execution.concurrency, describe)) {
        if (plan.signal?.aborted) throw new PledgeError('interrupted', 'interrupted');
        if (document) await onDocument(document);
      }
    } finally {
      await pool.current?.close();
    }
    return { lookups: judging.lookups() };
  } finally {
    await Promise.all([source.close(), judging.close()]);
  }
}

/**
 * A bug met on one document (or a worker thread's failure on it) is reported on that document
 * (status unreadable, code internal-error, exit 4) and the run goes on with the others.
 */
async function guarded<S>(path: string, describe: () => Promise<ManifestDocument<S> | null>): Promise<ManifestDocument<S> | null> {
  try {
    return await describe();
  } catch (error) {
    if (error instanceof PledgeError) throw error;
    return { path: toPosixPath(path), status: 'unreadable', error: { code: 'internal-error', message: `pledge failed on this document (a bug): ${(error as Error)?.message ?? error}` }, blocks: [] };
  }
}
