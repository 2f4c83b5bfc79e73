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

export interface VerifyRequest {
  paths: string[];
  keyrings: string[];
  version: string;
  /** The time signatures are judged at (default: now). */
  now?: Date;
  limits?: Partial<Limits>;
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

/** Turns one parsed signature into its manifest entry; `warnings` are the text's own. */
type SignatureJudge<S> = (signedText: string, signature: ParsedSignature, warnings: WarningCode[]) => Promise<S>;

async function describeBlock<S>(block: ArmoredBlock, limits: Limits, judge: SignatureJudge<S>): Promise<ManifestBlock<S>> {
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
  for (const signature of signatures) judged.push(await judge(signedText, signature, warnings));
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
  for (const block of extractBlocks(read.document, limits)) blocks.push(await describeBlock(block, limits, judge));
  return { path: shownPath, status: blocks.length ? 'signed' : 'not-signed', error: null, blocks };
}

function judgeWith(keyring: Keyring, policy: Policy): SignatureJudge<ManifestSignature> {
  return async (signedText, signature, textWarnings) => {
    const check = await checkSignature(signedText, signature, keyring.candidatesFor(signature), policy);
    return {
      ...claimsOf(signature),
      status: check.status,
      signingKeyFingerprint: check.signingKeyFingerprint,
      primaryKeyFingerprint: check.primaryKeyFingerprint,
      userIDs: check.userIDs,
      keySource: check.candidate?.source ?? null,
      warnings: [...check.warnings, ...textWarnings],
      reason: check.reason,
    };
  };
}

/** document → blocks → cleartext → keys → verdicts → manifest, one document at a time. */
export async function verifyDocuments(request: VerifyRequest): Promise<Manifest> {
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const keyring = new Keyring();
  for (const candidate of await loadKeyringFiles(request.keyrings)) await keyring.add(candidate);
  const judge = judgeWith(keyring, createPolicy(request.now));
  const documents: ManifestDocument[] = [];
  for (const path of await collectPaths(request.paths)) documents.push(await describeDocument(path, limits, judge));
  return buildManifest(documents, request.version);
}

/** The same walk without keys or verdicts: what each block claims, for `pledge inspect`. */
export async function inspectDocuments(paths: string[], limits: Partial<Limits> = {}): Promise<ManifestDocument<SignatureClaims>[]> {
  const merged = { ...DEFAULT_LIMITS, ...limits };
  const claims: SignatureJudge<SignatureClaims> = async (_text, signature) => claimsOf(signature);
  const documents: ManifestDocument<SignatureClaims>[] = [];
  for (const path of await collectPaths(paths)) documents.push(await describeDocument(path, merged, claims));
  return documents;
}
