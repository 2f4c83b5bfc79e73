import type { Manifest, ManifestDocument } from './manifest.js';

/**
 * The manifest a repository commits as its public list of signers: sorted, with nothing that
 * changes from run to run (no lookups, no timings), so regenerating it on unchanged input
 * gives the same bytes.
 */
export function toCommittedManifest(manifest: Manifest, options: { generatedAt?: Date } = {}): Manifest & { generatedAt?: string } {
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const documents = [...manifest.documents].sort(byPath);
  const signers = [...manifest.signers].map((signer) => ({ ...signer, documents: [...signer.documents].sort() })).sort((a, b) => (a.primaryKeyFingerprint < b.primaryKeyFingerprint ? -1 : 1));
  return {
    ...manifest,
    documents,
    signers,
    lookups: [],
    ...(options.generatedAt ? { generatedAt: options.generatedAt.toISOString() } : {}),
  };
}

/**
 * `--redact`: only what the policy needs. User IDs and signed texts go; fingerprints,
 * statuses and the texts' SHA-256 stay, so the list can still be checked.
 */
export function redactDocument(document: ManifestDocument): ManifestDocument {
  return {
    ...document,
    blocks: document.blocks.map((block) => ({
      ...block,
      signedText: null,
      signatures: block.signatures.map(({ keybase: _keybase, ...signature }) => ({ ...signature, userIDs: [] })),
    })),
  };
}

export function redactManifest(manifest: Manifest): Manifest {
  return {
    ...manifest,
    documents: manifest.documents.map(redactDocument),
    signers: manifest.signers.map((signer) => ({ ...signer, userIDs: [] })),
  };
}

/** A short line diff (the changed lines with a little context), for `--check-manifest`. */
export function diffText(expected: string, actual: string, context = 2): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Longest common subsequence over lines: manifests are small enough for the quadratic table.
  const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i >= a.length || table[i]![j + 1]! >= table[i + 1]![j]!)) lines.push({ mark: '+', text: b[j++]! });
    else lines.push({ mark: '-', text: a[i++]! });
  }
  const keep = lines.map((line, index) => line.mark !== ' ' || lines.slice(Math.max(0, index - context), index + context + 1).some((near) => near.mark !== ' '));
  const out: string[] = [];
  lines.forEach((line, index) => {
    if (keep[index]) out.push(`${line.mark} ${line.text}`);
    else if (keep[index - 1]) out.push('  …');
  });
  return out.join('\n');
}
