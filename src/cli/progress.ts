import type { LookupStart } from '../discovery/discover-keys.js';
import type { ManifestDocument } from '../report/manifest.js';
import { escapeText } from '../report/escape.js';

/** Return to the start of the line and erase all of it. */
const ERASE = '\r\x1b[2K';

/**
 * One line for a terminal `columns` wide: erased first, then cut to one column less than the
 * width (a line as wide as the terminal wraps on some), so it never spills onto rows that the
 * next erase would leave behind. Every character must be single-width: see `safe`.
 */
export function fitLine(text: string, columns: number): string {
  const room = Math.max(10, columns - 1);
  return ERASE + (text.length > room ? `${text.slice(0, room - 1)}…` : text);
}

/** What a document or server supplied, as printable ASCII: escaped, and any wide or odd character a '?'. */
function safe(text: string): string {
  return escapeText(text).replace(/[^\x20-\x7e]/g, '?');
}

/** "looking up 1E62A0B3… on keys.openpgp.org (2/5)": the key or account, the host, the source's place. */
export function lookupLine(ask: LookupStart): string {
  const query = /^[0-9A-F]{16,64}$/.test(ask.query) ? `${ask.query.slice(0, 8)}…` : safe(ask.query.length > 40 ? `${ask.query.slice(0, 39)}…` : ask.query);
  return `looking up ${query} on ${safe(ask.host)} (${ask.position}/${ask.of})`;
}

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second: files, signatures,
 * rate, ETA and keys fetched, or the lookup under way. Only on a terminal, never with --quiet
 * (the caller decides).
 */
export class Progress {
  private files = 0;
  private signatures = 0;
  private verified = 0;
  private total: number | null = null;
  private readonly started = performance.now();
  /** performance.now() counts from the start of the process, which can be under 100 ms ago: the first document draws. */
  private lastDraw = -Infinity;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { columns?: number },
    private readonly keysFetched: () => number,
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  document(document: ManifestDocument): void {
    // The walk counted each detached signature file too (issue 14): they were read with their document.
    this.files += 1 + (document.detachedSignatures?.length ?? 0);
    for (const block of document.blocks) {
      this.signatures += block.signatures.length;
      this.verified += block.signatures.filter((signature) => signature.status === 'verified').length;
    }
    const now = performance.now();
    if (now - this.lastDraw > 100) this.draw(now);
  }

  /** A request going out: shown at once, since the network is where a run waits. */
  lookup(ask: LookupStart): void {
    this.write(lookupLine(ask));
  }

  private draw(now: number): void {
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(this.files / seconds) : 0;
    const of = this.total === null ? '' : `/${this.total}`;
    const bar = this.total ? `[${'#'.repeat(Math.round((20 * this.files) / this.total)).padEnd(20, '.')}] ` : '';
    const eta = this.total && rate ? ` · ETA ${Math.max(0, Math.round((this.total - this.files) / rate))}s` : '';
    this.write(`${bar}${this.files}${of} files · ${this.signatures} signatures (${this.verified} verified) · ${rate}/s${eta} · ${this.keysFetched()} keys fetched`);
  }

  private write(line: string): void {
    this.shown = true;
    this.stream.write(fitLine(line, this.stream.columns || 80));
  }

  /** Erases the line, so a report written to the same terminal starts on a clean one. */
  clear(): void {
    if (this.shown) this.stream.write(ERASE);
    this.shown = false;
  }

  done(): void {
    this.stream.write(ERASE);
  }
}
