import type { LookupRecord } from '../discovery/discover-keys.js';
import { manifestHead, type ManifestDocument, type ManifestSigner, type ManifestSummary } from './manifest.js';

export type WriteChunk = (chunk: string) => Promise<void>;

/** JSON.stringify(value, null, 2) as it reads nested `depth` levels deep. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * Writes the manifest as documents arrive, byte for byte what JSON.stringify(manifest, null, 2)
 * gives for the same object, so a run over 100,000 documents never holds them all.
 */
export class ManifestWriter {
  private count = 0;

  constructor(
    private readonly write: WriteChunk,
    private readonly version: string,
  ) {}

  async begin(): Promise<void> {
    const head = manifestHead(this.version);
    await this.write(`{\n  "manifestVersion": ${head.manifestVersion},\n  "generator": ${nested(head.generator, 1)},\n  "documents": [`);
  }

  async document(document: ManifestDocument): Promise<void> {
    await this.write(`${this.count++ ? ',' : ''}\n    ${nested(document, 2)}`);
  }

  async end(tail: { ok: boolean; summary: ManifestSummary; signers: ManifestSigner[]; lookups: LookupRecord[] }): Promise<void> {
    const close = this.count ? '\n  ]' : ']';
    await this.write(`${close},\n  "ok": ${tail.ok},\n  "summary": ${nested(tail.summary, 1)},\n  "signers": ${nested(tail.signers, 1)},\n  "lookups": ${nested(tail.lookups, 1)}\n}\n`);
  }
}
