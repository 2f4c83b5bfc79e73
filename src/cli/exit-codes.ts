import { ManifestTotals, type Manifest, type ManifestSummary } from '../report/manifest.js';

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
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + SIGTERM). */
  terminated: 143,
  /** Stopped because the reader of standard output went away before the run ended (128 + SIGPIPE). */
  outputClosed: 141,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What the exit code turns on; ManifestTotals keeps it as documents stream past. */
export interface RunOutcome {
  summary: ManifestSummary;
  outcomes: { failed: number; indeterminate: number; errorFindings: number; internal: number };
}

/**
 * Precedence: internal > failed > unreadable input > indeterminate > ok; never ok with nothing
 * verified. A failed verification outranks an unreadable file, so a forged signature never
 * hides behind "input error" in a batch; usage errors exit 2 before any work is done.
 */
export function exitCodeFor(run: Manifest | RunOutcome): ExitCodeValue {
  const { summary, outcomes } = 'outcomes' in run ? run : totalsOf(run);
  if (outcomes.internal > 0) return ExitCode.internal;
  if (summary.malformedBlocks > 0 || summary.unsignedDocuments > 0 || outcomes.errorFindings > 0 || outcomes.failed > 0) return ExitCode.failed;
  if (summary.unreadableDocuments > 0) return ExitCode.usage;
  if (outcomes.indeterminate > 0) return ExitCode.indeterminate;
  return summary.verified > 0 ? ExitCode.ok : ExitCode.failed;
}

function totalsOf(manifest: Manifest): RunOutcome {
  const totals = new ManifestTotals();
  for (const document of manifest.documents) totals.add(document);
  return totals;
}
