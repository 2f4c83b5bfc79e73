import { createHash } from 'node:crypto';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { textWarnings } from '../core/text-warnings.js';
import { parseBlock, type ParsedSignature } from '../cleartext/parse-block.js';
import { collectPaths, toPosixPath } from '../extract/collect-paths.js';
import { extractBlocks } from '../extract/extract-blocks.js';
import type { ArmoredBlock } from '../extract/find-blocks.js';
import { readDocument } from '../extract/read-document.js';
import { loadKeyringFiles } from '../discovery/sources/keyring-files.js';
import { Keyring } from '../verify/keyring.js';
import { readFrontMatter } from '../extract/front-matter.js';
import { KeyDiscovery, type LookupRecord } from '../discovery/discover-keys.js';
import type { KeyQuery } from '../discovery/key-source.js';
import { hintQueries } from '../discovery/hints.js';
import { KeyCache } from '../discovery/key-cache.js';
import { createHttpClient } from '../discovery/http-client.js';
import { createSources, type SourceOptions } from '../discovery/create-sources.js';
import { createPolicy, type Policy } from '../verify/policy.js';
import { checkSignature } from '../verify/verify-signature.js';
import {
  buildManifest,
  type Manifest,
  type ManifestBlock,
  type ManifestDocument,
  type ManifestSignature,
  type SignatureClaims,
} from '../report/manifest.js';
import type { WarningCode } from '../core/reasons.js';

/** Where keys may come from beyond --keyring files. Absent: offline, no cache. */
export interface DiscoveryRequest {
  offline: boolean;
  cacheDirectory: string | null;
  cacheTtlMs?: number;
  sources: SourceOptions;
  /** Hosts the user named (base URLs, keyservers): only these may be loopback, private or plain http. */
  allowedHosts: string[];
  userAgent: string;
  /** For HTTPS_PROXY / NO_PROXY. */
  env?: Record<string, string | undefined>;
  requestTimeoutMs?: number;
  /** A deadline for all network lookups of the run. */
  runTimeoutMs?: number;
}

export interface VerifyRequest {
  paths: string[];
  keyrings: string[];
  version: string;
  /** The time signatures are judged at (default: now). */
  now?: Date;
  limits?: Partial<Limits>;
  discovery?: DiscoveryRequest;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What inspection shows of a signature: its own claims, nothing checked. */
function claimsOf(signature: ParsedSignature): SignatureClaims {
  return {
    issuerKeyID: signature.issuerKeyID,
    issuerFingerprint: signature.issuerFingerprint,
    created: signature.created.toISOString().replace('.000Z', 'Z'),
    hashAlgorithm: signature.hashAlgorithm,
    publicKeyAlgorithm: signature.publicKeyAlgorithm,
  };
}

/** What a judge may know of the document a signature came from. */
interface DocumentContext {
  frontMatter: Record<string, unknown> | null;
}

/** Turns one parsed signature into its manifest entry; `warnings` are the text's own. */
type SignatureJudge<S> = (signedText: string, signature: ParsedSignature, warnings: WarningCode[], document: DocumentContext) => Promise<S>;

async function describeBlock<S>(block: ArmoredBlock, limits: Limits, judge: SignatureJudge<S>, document: DocumentContext): Promise<ManifestBlock<S>> {
  const described: ManifestBlock<S> = {
    startLine: block.startLine,
    endLine: block.endLine,
    status: 'malformed',
    error: block.error,
    rendering: block.rendering,
    signedText: null,
    signedTextSha256: null,
    hashAlgorithm: null,
    signatures: [],
  };
  if (block.error) return described;
  const parsed = await parseBlock(block.armored, limits);
  if (!parsed.ok) return { ...described, error: parsed.error };
  const { signedText, signatures } = parsed.block;
  const warnings = textWarnings(signedText);
  const judged: S[] = [];
  // Each signature on its own, awaited in turn: one good signature never vouches for another.
  for (const signature of signatures) judged.push(await judge(signedText, signature, warnings, document));
  return {
    ...described,
    status: 'ok',
    signedText,
    signedTextSha256: sha256(signedText),
    hashAlgorithm: signatures[0]!.hashAlgorithm,
    signatures: judged,
  };
}

async function describeDocument<S>(path: string, limits: Limits, judge: SignatureJudge<S>): Promise<ManifestDocument<S>> {
  const shownPath = toPosixPath(path);
  const read = await readDocument(path, limits);
  if (!read.ok) return { path: shownPath, status: 'unreadable', error: read.reason, blocks: [] };
  const blocks: ManifestBlock<S>[] = [];
  const context = { frontMatter: read.document.kind === 'markdown' ? readFrontMatter(read.document.text) : null };
  for (const block of extractBlocks(read.document, limits)) blocks.push(await describeBlock(block, limits, judge, context));
  return { path: shownPath, status: blocks.length ? 'signed' : 'not-signed', error: null, blocks };
}

function judgeWith(discovery: KeyDiscovery, policy: Policy): SignatureJudge<ManifestSignature> {
  return async (signedText, signature, textWarnings, document) => {
    const hints = hintQueries(document.frontMatter, signature.packet.signersUserID, signature);
    const found = await discovery.candidatesFor(signature, hints);
    const check = await checkSignature(signedText, signature, found.candidates, policy, found.unavailable);
    return {
      ...claimsOf(signature),
      status: check.status,
      signingKeyFingerprint: check.signingKeyFingerprint,
      primaryKeyFingerprint: check.primaryKeyFingerprint,
      userIDs: check.userIDs,
      keySource: check.candidate?.source ?? null,
      // What the text looks like matters only once it is proven signed.
      warnings: check.status === 'verified' ? [...check.warnings, ...textWarnings] : check.warnings,
      reason: check.reason,
      keyEvaluation: check.keyEvaluation,
      ...(check.candidate?.keybase ? { keybase: check.candidate.keybase } : {}),
    };
  };
}

function createDiscovery(keyring: Keyring, request: DiscoveryRequest | undefined, now: Date): { discovery: KeyDiscovery; close: () => Promise<void> } {
  const offline = !request || request.offline;
  const http =
    offline || !request
      ? null
      : createHttpClient({
          userAgent: request.userAgent,
          allowedHosts: request.allowedHosts,
          env: request.env,
          ...(request.requestTimeoutMs ? { requestTimeoutMs: request.requestTimeoutMs } : {}),
          ...(request.runTimeoutMs ? { runSignal: AbortSignal.timeout(request.runTimeoutMs) } : {}),
        });
  const cache = request?.cacheDirectory ? new KeyCache(request.cacheDirectory, request.cacheTtlMs) : null;
  const sources = http && request ? createSources(request.sources) : [];
  const discovery = new KeyDiscovery({ keyring, cache, sources, http, offline, now });
  return { discovery, close: async () => http?.close() };
}

/** document → blocks → cleartext → keys → verdicts → manifest, one document at a time. */
export async function verifyDocuments(request: VerifyRequest): Promise<Manifest> {
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const keyring = new Keyring();
  for (const candidate of await loadKeyringFiles(request.keyrings)) await keyring.add(candidate);
  const policy = createPolicy(request.now);
  const { discovery, close } = createDiscovery(keyring, request.discovery, policy.now);
  try {
    const judge = judgeWith(discovery, policy);
    const documents: ManifestDocument[] = [];
    for (const path of await collectPaths(request.paths)) documents.push(await describeDocument(path, limits, judge));
    return buildManifest(documents, request.version, discovery.lookups);
  } finally {
    await close();
  }
}

/** The same walk without keys or verdicts: what each block claims, for `pledge inspect`. */
export async function inspectDocuments(paths: string[], limits: Partial<Limits> = {}): Promise<ManifestDocument<SignatureClaims>[]> {
  const merged = { ...DEFAULT_LIMITS, ...limits };
  const claims: SignatureJudge<SignatureClaims> = async (_text, signature) => claimsOf(signature);
  const documents: ManifestDocument<SignatureClaims>[] = [];
  for (const path of await collectPaths(paths)) documents.push(await describeDocument(path, merged, claims));
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
  const { discovery, close } = createDiscovery(new Keyring(), request, new Date());
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
