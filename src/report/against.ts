import { escapeText } from './escape.js';
import type { Manifest, ManifestSignature } from './manifest.js';

/** How one signature fares against an earlier manifest. */
export type AgainstOutcome = 'same' | 'changed-verdict' | 'key-changed' | 'gone' | 'new';

export interface AgainstRow {
  path: string;
  signatureSha256: string;
  outcome: AgainstOutcome;
  before: { status: string; certificateSha256: string | null } | null;
  now: { status: string; certificateSha256: string | null } | null;
}

type Indexed = Map<string, { path: string; signature: ManifestSignature }>;

function index(manifest: Manifest): Indexed {
  const out: Indexed = new Map();
  for (const document of manifest.documents) {
    for (const signature of document.blocks.flatMap((block) => block.signatures)) out.set(`${document.path}\n${signature.signatureSha256}`, { path: document.path, signature });
  }
  return out;
}

const facts = (signature: ManifestSignature) => ({ status: signature.status, certificateSha256: signature.certificateSha256 ?? null });

/**
 * Each signature (by document path and signature hash) of an earlier manifest against a fresh
 * run: the same verdict by the same certificate, another verdict, or the same verdict by another
 * certificate (a new revocation, expiry, subkey, a re-export, a replaced key). A verdict change
 * outranks a key change; a signature only one side has is `gone` or `new`.
 */
export function compareAgainst(before: Manifest, now: Manifest): AgainstRow[] {
  const old = index(before);
  const fresh = index(now);
  const rows: AgainstRow[] = [];
  for (const [id, { path, signature }] of old) {
    const match = fresh.get(id);
    const was = facts(signature);
    if (!match) {
      rows.push({ path, signatureSha256: signature.signatureSha256, outcome: 'gone', before: was, now: null });
      continue;
    }
    const is = facts(match.signature);
    const outcome: AgainstOutcome = was.status !== is.status ? 'changed-verdict' : was.certificateSha256 !== is.certificateSha256 ? 'key-changed' : 'same';
    rows.push({ path, signatureSha256: signature.signatureSha256, outcome, before: was, now: is });
  }
  for (const [id, { path, signature }] of fresh) if (!old.has(id)) rows.push({ path, signatureSha256: signature.signatureSha256, outcome: 'new', before: null, now: facts(signature) });
  return rows;
}

/** One line per signature, changes first said plainly. */
export function renderAgainst(rows: AgainstRow[]): string {
  const short = (hash: string | null) => (hash ? hash.slice(0, 16) : 'none');
  const lines = rows.map((row) => {
    const path = escapeText(row.path);
    switch (row.outcome) {
      case 'same':
        return `same verdict      ${path}: ${row.now!.status}`;
      case 'changed-verdict':
        return `changed verdict   ${path}: ${row.before!.status} → ${row.now!.status}`;
      case 'key-changed':
        return `key changed       ${path}: ${row.now!.status}, certificate ${short(row.before!.certificateSha256)}… → ${short(row.now!.certificateSha256)}…`;
      case 'gone':
        return `signature gone    ${path}: was ${row.before!.status}`;
      case 'new':
        return `new signature     ${path}: ${row.now!.status}`;
    }
  });
  const changes = rows.filter((row) => row.outcome !== 'same').length;
  return `${lines.join('\n')}\n${changes ? `${changes} of ${rows.length} signatures changed` : `all ${rows.length} signatures as before`}\n`;
}
