import { OUTCOME_CLASS_FOR } from '../core/reasons.js';
import type { Manifest } from '../report/manifest.js';

/** The documented exit codes (README and --help). Stable: scripts depend on them. */
export const ExitCode = {
  /** Every document signed and every signature verified (and at least one). */
  ok: 0,
  /** A signature not verified, a malformed block, a document with no signed block, a repository error. */
  failed: 1,
  /** Usage or input error: bad option, missing or unreadable file. */
  usage: 2,
  /** Only "could not check" failures (a key server unreachable): try again. */
  indeterminate: 3,
  /** A bug in pledge. */
  internal: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Precedence: usage > failed > indeterminate > ok; never ok with nothing verified. */
export function exitCodeFor(manifest: Manifest): ExitCodeValue {
  const { summary } = manifest;
  if (summary.unreadableDocuments > 0) return ExitCode.usage;
  const classes = manifest.documents.flatMap((d) => d.blocks.flatMap((b) => b.signatures.map((s) => OUTCOME_CLASS_FOR[s.status])));
  const errorFindings = manifest.documents.some((d) => d.findings?.some((finding) => finding.severity === 'error'));
  if (summary.malformedBlocks > 0 || summary.unsignedDocuments > 0 || errorFindings || classes.includes('failed')) return ExitCode.failed;
  if (classes.includes('indeterminate')) return ExitCode.indeterminate;
  return summary.verified > 0 ? ExitCode.ok : ExitCode.failed;
}
