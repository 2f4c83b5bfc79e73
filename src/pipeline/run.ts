import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { CollectOptions } from '../extract/collect-paths.js';
import type { LookupRecord } from '../discovery/discover-keys.js';
import type { KeyQuery } from '../discovery/key-source.js';
import { ManifestTotals, manifestHead, type Manifest, type ManifestDocument, type ManifestSigner, type ManifestSummary, type SignatureClaims } from '../report/manifest.js';
import { Keyring } from '../discovery/keyring.js';
import { createPolicy } from '../verify/policy.js';
import { createDiscovery, type DiscoveryRequest } from './create-discovery.js';
import { claimsOnly, verifyingJudge } from './judging.js';
import { fetchDocuments } from './fetch-pages.js';
import { chooseExecution, MAIN_THREAD_IN_ORDER, type ExecutionRequest } from './plan.js';
import type { WorkerSetup } from './pool/protocol.js';
import { runPlan } from './runner.js';
import { loadKeyring } from './keyring-loader.js';
import { packageVersion } from '../core/package-version.js';
import type { KeyringInput } from '../discovery/sources/keyring-files.js';
import { extractDocument, type ExtractedDocument } from '../extract/extract-document.js';
import { decodeGivenDocument } from '../extract/read-document.js';
import { applyThreshold, type SignerRequirement } from '../verify/threshold.js';

export type { DiscoveryRequest } from './create-discovery.js';
export { DOCUMENT_CONCURRENCY, READER_AFTER, WORKERS_AFTER } from './plan.js';
export { threadsStarted } from './threads.js';
export { loadKeyring };

export interface VerifyRequest extends ExecutionRequest {
  paths: string[];
  /** --keyring paths, or keyrings given as bytes (stdin). */
  keyrings: KeyringInput[];
  /** The generator version the manifest names (default: this pledge's). */
  version?: string;
  /** Documents given as bytes rather than read (stdin's `-`, verifyText), by the path in `paths` they are reported under. */
  texts?: ReadonlyMap<string, Uint8Array>;
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
  /** --min-signatures, --signer, --signer-file: what each signed document must carry (verify/threshold.ts). */
  signers?: SignerRequirement | null;
  /** `--signature FILE` (issue 14): the detached signatures of the one document in `paths`, instead of those its name pairs with. */
  signatureFiles?: string[];
}

/** What is left of the manifest once every document has been handed on. */
export interface ManifestTail {
  ok: boolean;
  summary: ManifestSummary;
  signers: ManifestSigner[];
  lookups: LookupRecord[];
  outcomes: ManifestTotals['outcomes'];
}

/**
 * The plain plan: the paths given, walked; each document judged on its keys; threads as the
 * run's length repays them. Each document is handed to `onDocument` in input order.
 */
export async function verifyDocumentStream(request: VerifyRequest, onDocument: (document: ManifestDocument) => Promise<void> | void): Promise<ManifestTail> {
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const policy = createPolicy(request.now, request.fastPath ?? true);
  // https:// paths are fetched first (refused offline, before any work); the walk then meets them as names.
  const pages = await fetchDocuments(request.paths, request.discovery, limits);
  const totals = new ManifestTotals();
  const { lookups } = await runPlan(
    {
      origin: { kind: 'paths', paths: request.paths, collect: request.collect ?? {}, pages, given: givenDocuments(request.texts, limits), ...(request.signatureFiles ? { signatureFiles: request.signatureFiles } : {}) },
      judging: verifyingJudge(() => loadKeyring(request.keyrings, request.discovery?.keyLimits), request.discovery, policy),
      execution: chooseExecution(request, () => workerSetup(request, limits, policy.now)),
      limits,
      ...(request.signedOnly ? { signedOnly: true } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    },
    async (document) => {
      applyThreshold(document, request.signers ?? null);
      totals.add(document);
      await onDocument(document);
    },
  );
  return { ok: totals.ok, summary: totals.summary, signers: totals.signerList(), lookups, outcomes: totals.outcomes };
}

/** Documents given as bytes, read and cut into blocks as a file would be. */
function givenDocuments(texts: VerifyRequest['texts'], limits: Limits): Map<string, ExtractedDocument> {
  const given = new Map<string, ExtractedDocument>();
  for (const [path, bytes] of texts ?? []) given.set(path, extractDocument(decodeGivenDocument(path, bytes, limits), limits));
  return given;
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

/** The whole manifest in memory (a sink that collects): for libraries, tests and the formats that need it all. */
export async function verifyDocuments(request: VerifyRequest): Promise<Manifest> {
  const documents: ManifestDocument[] = [];
  const tail = await verifyDocumentStream(request, (document) => void documents.push(document));
  return { ...manifestHead(request.version ?? packageVersion()), documents, ok: tail.ok, summary: tail.summary, signers: tail.signers, lookups: tail.lookups };
}

/** The inspect plan: the same walk without keys or verdicts, what each block claims (`pledge inspect`). */
export async function inspectDocuments(paths: string[], limits: Partial<Limits> = {}, options: { signal?: AbortSignal } = {}): Promise<ManifestDocument<SignatureClaims>[]> {
  const documents: ManifestDocument<SignatureClaims>[] = [];
  await runPlan(
    {
      origin: { kind: 'paths', paths, collect: {}, pages: new Map() },
      judging: claimsOnly,
      execution: MAIN_THREAD_IN_ORDER,
      limits: { ...DEFAULT_LIMITS, ...limits },
      ...(options.signal ? { signal: options.signal } : {}),
    },
    (document) => void documents.push(document),
  );
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
