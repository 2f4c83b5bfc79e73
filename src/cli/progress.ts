import type { ManifestDocument } from '../report/manifest.js';

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second: files, signatures,
 * rate, ETA and keys fetched. Only on a terminal, never with --quiet (the caller decides).
 */
export class Progress {
  private files = 0;
  private signatures = 0;
  private verified = 0;
  private total: number | null = null;
  private readonly started = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly keysFetched: () => number,
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  document(document: ManifestDocument): void {
    this.files++;
    for (const block of document.blocks) {
      this.signatures += block.signatures.length;
      this.verified += block.signatures.filter((signature) => signature.status === 'verified').length;
    }
    const now = performance.now();
    if (now - this.lastDraw > 100) this.draw(now);
  }

  private draw(now: number): void {
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(this.files / seconds) : 0;
    const of = this.total === null ? '' : `/${this.total}`;
    const bar = this.total ? `[${'#'.repeat(Math.round((20 * this.files) / this.total)).padEnd(20, '.')}] ` : '';
    const eta = this.total && rate ? ` · ETA ${Math.max(0, Math.round((this.total - this.files) / rate))}s` : '';
    this.stream.write(`\r\x1b[2K${bar}${this.files}${of} files · ${this.signatures} signatures (${this.verified} verified) · ${rate}/s${eta} · ${this.keysFetched()} keys fetched`);
  }

  done(): void {
    this.stream.write('\r\x1b[2K');
  }
}
