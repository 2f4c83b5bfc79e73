import { PledgeError, type Finding } from '../core/reasons.js';

/*
 * Several signers and thresholds (issue 14), one mechanism for `verify --min-signatures /
 * --signer / --signer-file` and a signers repository's `minSignatures` / `allowedSigners`:
 * a document passes only with N verified signatures by N distinct primary keys, counting only
 * the listed keys when there is a list (as `sqv -n` and `gpg --assert-signer` do).
 */

export interface SignerRequirement {
  minSignatures: number;
  /** Accepted fingerprints (a primary key's or a signing subkey's), upper-case hex; null: any key counts. */
  allowedSigners: ReadonlySet<string> | null;
}

/** What the manifest records per document: the requirement and what met it. */
export interface ThresholdRecord {
  required: number;
  /** How many fingerprints the signer list holds; null without a list. */
  allowedSigners: number | null;
  /** Distinct primary keys whose verified signatures count, in the order they appear. */
  counted: string[];
  /** Primary keys that verified but are on no list: they do not count. */
  notAllowed: string[];
  /** Listed fingerprints no verified signature came from (with a list only). */
  missing: string[];
  met: boolean;
}

/** The parts of a signature a threshold reads (a manifest signature is one). */
export interface CountedSignature {
  status: string;
  primaryKeyFingerprint: string | null;
  signingKeyFingerprint: string | null;
}

/** The parts of a document a threshold reads and writes (a manifest document is one). */
export interface ThresholdDocument {
  status: string;
  blocks: { signatures: CountedSignature[] }[];
  findings?: Finding[];
  threshold?: ThresholdRecord;
}

/** The requirement, or null when it asks no more than pledge always does (one verified signature by anyone). */
export function requirementOf(minSignatures: number | undefined, allowedSigners: ReadonlySet<string> | null): SignerRequirement | null {
  const minimum = minSignatures ?? 1;
  return minimum <= 1 && !allowedSigners ? null : { minSignatures: minimum, allowedSigners };
}

/** Does this verified signature's key count toward the requirement? */
export function isAllowed(signature: CountedSignature, requirement: SignerRequirement | null): boolean {
  const list = requirement?.allowedSigners;
  if (!list) return true;
  return list.has(signature.primaryKeyFingerprint ?? '') || list.has(signature.signingKeyFingerprint ?? '');
}

/** Counts the document's verified signatures, every block and form together, one per primary key. */
export function evaluateThreshold(signatures: Iterable<CountedSignature>, requirement: SignerRequirement): ThresholdRecord {
  const counted = new Set<string>();
  const notAllowed = new Set<string>();
  const seen = new Set<string>();
  for (const signature of signatures) {
    const primary = signature.primaryKeyFingerprint;
    if (signature.status !== 'verified' || !primary) continue;
    if (!isAllowed(signature, requirement)) {
      notAllowed.add(primary);
      continue;
    }
    counted.add(primary);
    seen.add(primary);
    if (signature.signingKeyFingerprint) seen.add(signature.signingKeyFingerprint);
  }
  const list = requirement.allowedSigners;
  return {
    required: requirement.minSignatures,
    allowedSigners: list ? list.size : null,
    counted: [...counted],
    // A key counted by one signature (its listed subkey) is not "not allowed" for another.
    notAllowed: [...notAllowed].filter((fingerprint) => !counted.has(fingerprint)),
    missing: list ? [...list].filter((fingerprint) => !seen.has(fingerprint)) : [],
    met: counted.size >= requirement.minSignatures,
  };
}

/** "1 of 2 required signers", as the reports say it. */
export function thresholdSummary(record: ThresholdRecord): string {
  return `${Math.min(record.counted.length, record.required)} of ${record.required} required signer${record.required === 1 ? '' : 's'}`;
}

/** Why a threshold is not met, naming who is missing. */
function shortfallMessage(record: ThresholdRecord): string {
  const parts = [thresholdSummary(record)];
  if (record.missing.length) {
    const shown = record.missing.slice(0, 10).join(', ');
    parts.push(`not seen: ${shown}${record.missing.length > 10 ? ` and ${record.missing.length - 10} more` : ''}`);
  }
  if (record.notAllowed.length) parts.push(`not on the signer list, so not counted: ${record.notAllowed.join(', ')}`);
  return `${parts.join('; ')} (N verified signatures by N distinct primary keys are needed)`;
}

/**
 * Holds a signed document to the requirement: records the result, and when it is not met adds
 * a too-few-signatures finding (severity error, so the verdict is failed). A document whose
 * signer-not-allowed finding already fails it (a repository's rule) is not told twice.
 */
export function applyThreshold(document: ThresholdDocument, requirement: SignerRequirement | null): void {
  if (!requirement || document.status !== 'signed') return;
  const record = evaluateThreshold(
    document.blocks.flatMap((block) => block.signatures),
    requirement,
  );
  document.threshold = record;
  if (record.met || document.findings?.some((finding) => finding.code === 'signer-not-allowed')) return;
  document.findings ??= [];
  document.findings.push({ code: 'too-few-signatures', severity: 'error', message: shortfallMessage(record) });
}

const FINGERPRINT = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/;

/** One fingerprint as a user wrote it (spaces allowed, any case, an optional 0x), or null when it is none. */
export function normaliseFingerprint(text: string): string | null {
  const bare = text.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
  return FINGERPRINT.test(bare) ? bare : null;
}

/**
 * A signer list (`--signer-file`, a repository's `allowedSigners`): one fingerprint per line,
 * `#` comments, spaces ignored, as `gpg --assert-signer` reads one. Anything else is an error
 * naming the file and line: a mistyped fingerprint would silently never count.
 */
export function parseSignerList(text: string, label: string): Set<string> {
  const fingerprints = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    const content = line.replace(/#.*/, '').trim();
    if (!content) continue;
    const fingerprint = normaliseFingerprint(content);
    if (!fingerprint) throw new PledgeError('usage', `${label}:${index + 1}: "${content}" is not a key fingerprint (40 or 64 hexadecimal digits)`);
    fingerprints.add(fingerprint);
  }
  return fingerprints;
}
