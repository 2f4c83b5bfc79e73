import { documentVerdict, type ManifestDocument } from '../report/manifest.js';
import { escapeText } from '../report/escape.js';

/**
 * What a person looking at stderr needs whatever the format: each unreadable file as it is met,
 * and at the end of a failed run one line saying how many documents failed and why, so a
 * machine format on stdout never hides a failure (issue 20).
 */
export class RunVerdict {
  private documents = 0;
  private readonly failed = { count: 0, reasons: new Map<string, number>() };
  /** Documents whose only trouble is that a key could not be fetched: try again, not forged. */
  private readonly unchecked = { count: 0, reasons: new Map<string, number>() };

  constructor(private readonly stderr: NodeJS.WritableStream) {}

  add(document: ManifestDocument): void {
    // The manifest's own verdict decides failed vs could-not-check; reasonsOf only names why.
    const verdict = document.verdict ?? documentVerdict(document);
    // A walk's image or --signed-only's unsigned page was not judged: counted in the summary only.
    if (verdict === 'skipped') return;
    this.documents++;
    if (document.status === 'unreadable') this.stderr.write(`pledge: ${escapeText(document.path)}: unreadable: ${escapeText(document.error?.message ?? 'could not be read')}\n`);
    if (verdict === 'verified') return;
    const tally = verdict === 'could-not-check' ? this.unchecked : this.failed;
    tally.count++;
    const reasons = reasonsOf(document);
    for (const reason of reasons.length ? reasons : ['no signature']) tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1);
  }

  /** The closing line of a failed run, or null when every document passed. */
  line(): string | null {
    if (this.documents === 0) return 'pledge: nothing was judged: every document was skipped or passed over\n';
    const why = (reasons: Map<string, number>) => [...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ');
    const parts = [
      ...(this.failed.count ? [`${this.failed.count} of ${this.documents} document${this.documents === 1 ? '' : 's'} failed: ${why(this.failed.reasons)}`] : []),
      ...(this.unchecked.count ? [`${this.unchecked.count} of ${this.documents} could not be checked (try again): ${why(this.unchecked.reasons)}`] : []),
    ];
    return parts.length ? `pledge: ${parts.join('; ')}\n` : null;
  }
}

function reasonsOf(document: ManifestDocument): string[] {
  if (document.status === 'unreadable') return ['unreadable'];
  if (document.status === 'not-signed' && !document.findings?.length) return ['not signed'];
  const reasons = new Set<string>();
  for (const block of document.blocks) {
    if (block.status === 'malformed') reasons.add(`malformed (${block.error?.code ?? 'block'})`);
    for (const signature of block.signatures) if (signature.status !== 'verified') reasons.add(signature.status);
  }
  for (const finding of document.findings ?? []) if (finding.severity === 'error') reasons.add(finding.code);
  return [...reasons];
}
