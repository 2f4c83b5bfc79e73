import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { PledgeError } from '../core/reasons.js';
import { collectPaths, toPosixPath, type CollectedPath, type CollectOptions } from '../extract/collect-paths.js';
import { VerifyPool } from './worker-pool.js';
import type { WorkerSetup } from './verify-worker.js';
import type { LookupRecord } from '../discovery/discover-keys.js';
import type { KeyQuery } from '../discovery/key-source.js';
import { ManifestTotals, manifestHead, type Manifest, type ManifestDocument, type ManifestSigner, type ManifestSummary, type SignatureClaims } from '../report/manifest.js';
import { mapOrdered } from './map-ordered.js';
import { startDocumentReader } from './document-reader.js';
import type { ExtractedDocument } from '../extract/extract-document.js';
import { Keyring } from '../discovery/keyring.js';
import { createPolicy } from '../verify/policy.js';
import { createDiscovery, type DiscoveryRequest } from './create-discovery.js';
import { claimsOf, describeDocument, type SignatureJudge } from './describe-document.js';
import { judgeWith } from './judge-signature.js';
import { fetchDocuments } from './fetch-pages.js';
import { statSync } from 'node:fs';

const isDirectory = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

export type { DiscoveryRequest } from './create-discovery.js';

export interface VerifyRequest {
  paths: string[];
  keyrings: string[];
  version: string;
  /** The time signatures are judged at (default: now). */
  now?: Date;
  limits?: Partial<Limits>;
  discovery?: DiscoveryRequest;
  /** Use the node:crypto fast path where it is exact (default true). */
  fastPath?: boolean;
  /** How directories are walked: --include, --exclude, .gitignore. */
  collect?: CollectOptions;
  /**
   * --signed-only: a document with no signed block is passed over (verdict skipped), not judged
   * not-signed. One with a block, however broken, is still judged.
   */
  signedOnly?: boolean;
  /** Stops the run between documents (Ctrl-C). */
  signal?: AbortSignal;
  /** Worker threads verifying documents on local keys (default 1: no workers; the CLI uses the cores). */
  workers?: number;
  /** Documents the main thread verifies before workers start (default WORKERS_AFTER). */
  workersAfter?: number;
  /**
   * Walk and read the documents on a thread of their own (default false; the CLI turns it on).
   * Needs the built worker script beside this module, so in-process runs from sources leave it off.
   */
  readerThread?: boolean;
}

import { loadKeyring } from './keyring-loader.js';

export { loadKeyring };

/** Runs of fewer documents stay on the main thread: below this, worker threads cost more than they give (measured). */
export const WORKERS_AFTER = 20_000;

/** Does the walk yield at least `count` paths? Stops as soon as it knows. */
async function atLeast(paths: AsyncIterable<CollectedPath>, count: number): Promise<boolean> {
  let seen = 0;
  for await (const _path of paths) if (++seen >= count) return true;
  return false;
}

/** Documents in flight at once: enough to overlap file reads and key fetches, few enough to bound memory. */
export const DOCUMENT_CONCURRENCY = 100;

/** What is left of the manifest once every document has been handed on. */
export interface ManifestTail {
  ok: boolean;
  summary: ManifestSummary;
  signers: ManifestSigner[];
  lookups: LookupRecord[];
  outcomes: ManifestTotals['outcomes'];
}

/**
 * document → blocks → cleartext → keys → verdicts, many documents in flight, each handed to
 * `onDocument` in input order as soon as it and those before it are done.
 */
export async function verifyDocumentStream(request: VerifyRequest, onDocument: (document: ManifestDocument) => Promise<void> | void): Promise<ManifestTail> {
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const policy = createPolicy(request.now, request.fastPath ?? true);
  const workers = (request.workers ?? 1) > 1 ? request.workers! : 0;
  // https:// paths are fetched first (refused offline, before any work); the walk then meets them as names.
  const fetched = await fetchDocuments(request.paths, request.discovery, limits);
  // Started first, so the walk and the reads overlap loading the keys.
  // A few named files do not repay the thread's start-up (issue 15; r13's runner decides this in full).
  const reader = request.readerThread && workers === 0 && (request.paths.length > 4 || request.paths.some(isDirectory)) ? startDocumentReader(request.paths, request.collect ?? {}, limits) : null;
  // Any failure before the documents are taken (a --keyring that cannot be read) stops the
  // reading thread too, or it would wait for room forever and keep the process alive.
  const opened = async () => createDiscovery(await loadKeyring(request.keyrings, request.discovery?.keyLimits), request.discovery, policy.now);
  const { discovery, close } = await opened().catch(async (error: unknown) => {
    await reader?.close();
    throw error;
  });
  try {
    const judge = judgeWith(discovery, policy);
    const totals = new ManifestTotals();
    const items: AsyncIterable<{ path: string; walked?: boolean; document?: ExtractedDocument }> = reader?.documents ?? collectPaths(request.paths, request.collect);
    // Worker threads pay for themselves only on long runs (each loads the keys and warms up):
    // they start after the first documents; then the main thread only reads results, writes
    // output and verifies what needs the network.
    const pool: { current: VerifyPool | null } = { current: null };
    const after = request.workersAfter ?? WORKERS_AFTER;
    // A long run is known from a quick count of the files: its workers start at once.
    if (workers > 0 && (await atLeast(collectPaths(request.paths, request.collect), after))) pool.current = VerifyPool.start(workers, workerSetup(request, limits, policy.now));
    let count = 0;
    const describe = async ({ path, walked = false, document }: { path: string; walked?: boolean; document?: ExtractedDocument }) => {
      if (workers > 0 && !pool.current && count++ >= after) pool.current = VerifyPool.start(workers, workerSetup(request, limits, policy.now));
      const page = fetched.get(path);
      const described = page
        ? await guarded(path, async () => ({ ...(await describeDocument(path, path, limits, judge, page.document)), fetch: page.record }))
        : await guarded(path, async () => (await pool.current?.run(path, walked)) ?? describeDocument(path, path, limits, judge, document, walked));
      if (request.signedOnly && described.status === 'not-signed') described.verdict = 'skipped';
      return described;
    };
    try {
      for await (const document of mapOrdered(items, DOCUMENT_CONCURRENCY, describe)) {
        if (request.signal?.aborted) throw new PledgeError('interrupted', 'interrupted');
        totals.add(document);
        await onDocument(document);
      }
    } finally {
      await pool.current?.close();
    }
    return { ok: totals.ok, summary: totals.summary, signers: totals.signerList(), lookups: discovery.lookups, outcomes: totals.outcomes };
  } finally {
    await Promise.all([reader?.close(), close()]);
  }
}

function workerSetup(request: VerifyRequest, limits: Limits, now: Date): WorkerSetup {
  const offline = !request.discovery || request.discovery.offline;
  return {
    keyrings: request.keyrings,
    keyLimits: request.discovery?.keyLimits ?? {},
    limits,
    now: now.getTime(),
    fastPath: request.fastPath ?? true,
    offline,
    cacheDirectory: offline ? (request.discovery?.cacheDirectory ?? null) : null,
  };
}

/**
 * A bug met on one document is reported on that document (status unreadable, code
 * internal-error, exit 4) and the run goes on with the others.
 */
async function guarded(path: string, describe: () => Promise<ManifestDocument>): Promise<ManifestDocument> {
  try {
    return await describe();
  } catch (error) {
    if (error instanceof PledgeError) throw error;
    return { path: toPosixPath(path), status: 'unreadable', error: { code: 'internal-error', message: `pledge failed on this document (a bug): ${(error as Error)?.message ?? error}` }, blocks: [] };
  }
}

/** The whole manifest in memory: for libraries, tests and the formats that need it all. */
export async function verifyDocuments(request: VerifyRequest): Promise<Manifest> {
  const documents: ManifestDocument[] = [];
  const tail = await verifyDocumentStream(request, (document) => void documents.push(document));
  return { ...manifestHead(request.version), documents, ok: tail.ok, summary: tail.summary, signers: tail.signers, lookups: tail.lookups };
}

/** The same walk without keys or verdicts: what each block claims, for `pledge inspect`. */
export async function inspectDocuments(paths: string[], limits: Partial<Limits> = {}): Promise<ManifestDocument<SignatureClaims>[]> {
  const merged = { ...DEFAULT_LIMITS, ...limits };
  const claims: SignatureJudge<SignatureClaims> = async (_text, signature) => claimsOf(signature);
  const documents: ManifestDocument<SignatureClaims>[] = [];
  for await (const { path, walked } of collectPaths(paths)) documents.push(await describeDocument(path, path, merged, claims, undefined, walked));
  return documents;
}

export interface FetchedKey {
  fingerprint: string;
  userIDs: string[];
  source: string;
  url: string | null;
}

/** `pledge keys fetch`: one query through the sources, into the cache. */
export async function fetchKeys(query: KeyQuery, request: DiscoveryRequest): Promise<{ keys: FetchedKey[]; lookups: LookupRecord[] }> {
  const { discovery, close } = await createDiscovery(new Keyring(), request, new Date());
  try {
    const candidates = await discovery.fetch(query);
    const keys = candidates.map((candidate) => ({
      fingerprint: candidate.key.getFingerprint().toUpperCase(),
      userIDs: candidate.key.getUserIDs(),
      source: candidate.source,
      url: candidate.url ?? null,
    }));
    return { keys, lookups: discovery.lookups };
  } finally {
    await close();
  }
}
