/**
 * The signers page: a manifest → one static, self-contained HTML page a campaign can publish.
 *
 * Everything shown about a signer comes from what verification established: the key's
 * fingerprint, the user IDs the manifest lists for the signer (those the key's source vouches
 * for: `unverified-claim` ones never reach `signers`), the Keybase account that lists the key,
 * the text the key signed (a repository's statement template puts the front matter's name in
 * it, so that name is signed too). Nothing else a signer wrote is shown.
 *
 * No script, no request: the only stylesheet is inline and allowed by its hash in a CSP that
 * forbids everything else, and every byte a signer controls is HTML-escaped with control,
 * bidi and zero-width characters made visible (report/escape.ts).
 */
import { hash } from 'node:crypto';
import type { Manifest, ManifestSignature } from './manifest.js';
import { escapeText, groupFingerprint } from './escape.js';

export interface SiteOptions {
  /** The page's heading (default "Signers"). */
  title?: string;
  /** The statement signers signed; `{name}` (a repository template) is shown as a placeholder. */
  statement?: string;
  /** Where readers get the signer files and signers.json, for the "check it yourself" section. */
  repositoryUrl?: string;
}

/** One signer as the page shows it, worked out from the manifest alone. */
export interface SiteSigner {
  fingerprint: string;
  name: string | null;
  emails: string[];
  keybase: string | null;
  keySource: string;
  signed: string;
  signedText: string | null;
  documents: string[];
}

const ADDRESS = /^[^<>\s]+@[^<>\s]+$/;

/**
 * "Ada Lovelace <ada@example.org>" → name and address; a user ID without <> is a name. Read
 * from the end, not by one regular expression: `^(.*?)\s*<…>\s*$` backtracks quadratically on
 * a user ID of spaces, and a key's owner writes its user IDs (up to --max-key-bytes of them).
 */
export function splitUserID(userID: string): { name: string | null; email: string | null } {
  const trimmed = userID.trimEnd();
  const open = trimmed.endsWith('>') ? trimmed.lastIndexOf('<') : -1;
  const email = open === -1 ? '' : trimmed.slice(open + 1, -1);
  if (!ADDRESS.test(email)) return { name: userID.trim() || null, email: null };
  return { name: trimmed.slice(0, open).trim() || null, email };
}

/** Where the key came from, in words; the source string is pledge's (report/manifest keySource). */
export function describeKeySource(source: string | null): string {
  if (!source) return 'unknown';
  const colon = source.indexOf(':');
  const kind = colon === -1 ? source : source.slice(0, colon);
  const rest = colon === -1 ? '' : source.slice(colon + 1);
  switch (kind) {
    case 'keyring':
      // Only the file's name: a checkout's absolute path says nothing to a reader.
      return `key file ${rest.split('/').pop() ?? rest} pinned by the maintainers`;
    case 'keybase':
      return `Keybase account ${rest}`;
    case 'github':
      return `GitHub account ${rest}`;
    case 'vks':
      return 'keys.openpgp.org';
    case 'wkd':
      return `Web Key Directory of ${rest}`;
    case 'hkp':
      return `keyserver ${rest}`;
    case 'cache':
      return 'the key cache';
    default:
      return source;
  }
}

/** The verified signers in the manifest's order, each with its earliest verified signature. */
export function siteSigners(manifest: Manifest): SiteSigner[] {
  const verified = new Map<string, { signature: ManifestSignature; signedText: string | null }[]>();
  for (const document of manifest.documents) {
    for (const block of document.blocks) {
      for (const signature of block.signatures) {
        if (signature.status !== 'verified' || !signature.primaryKeyFingerprint) continue;
        const list = verified.get(signature.primaryKeyFingerprint) ?? [];
        list.push({ signature, signedText: block.signedText });
        verified.set(signature.primaryKeyFingerprint, list);
      }
    }
  }
  return manifest.signers.map((signer) => {
    const found = (verified.get(signer.primaryKeyFingerprint) ?? []).sort((a, b) => (a.signature.created < b.signature.created ? -1 : 1));
    const first = found[0];
    const parts = signer.userIDs.map(splitUserID);
    return {
      fingerprint: signer.primaryKeyFingerprint,
      name: parts.find((part) => part.name)?.name ?? null,
      emails: [...new Set(parts.flatMap((part) => (part.email ? [part.email] : [])))],
      keybase: found.find((entry) => entry.signature.keybase)?.signature.keybase?.username ?? null,
      keySource: describeKeySource(first?.signature.keySource ?? null),
      signed: first?.signature.created ?? '',
      signedText: first?.signedText ?? null,
      documents: signer.documents,
    };
  });
}

/** Text for HTML content and attribute values: escaped for HTML, unsafe characters made visible. */
export function escapeHtml(text: string): string {
  return escapeText(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light dark; --bg: #fdfdfc; --fg: #1b1b1a; --muted: #5b5b57; --line: #d9d8d3; --card: #ffffff; --accent: #0b5fb3; --ok: #17663a; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #141413; --fg: #ecebe6; --muted: #aeada6; --line: #3a3a37; --card: #1d1d1b; --accent: #8cc2ff; --ok: #7fd49c; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.75rem; }
blockquote { margin: 0; padding: 0.75rem 1rem; border-left: 4px solid var(--accent); background: var(--card); font-size: 1.1rem; }
.counts { color: var(--muted); }
.counts strong { color: var(--ok); }
ol.signers { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
.signer { background: var(--card); border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.75rem 1rem; overflow-wrap: anywhere; }
.signer h3 { font-size: 1.05rem; margin: 0 0 0.25rem; }
.signer dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.75rem; margin: 0.25rem 0 0; font-size: 0.95rem; }
.signer dt { color: var(--muted); }
.signer dd { margin: 0; min-width: 0; }
code, .fingerprint { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
a { color: var(--accent); }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: 0.9rem; }
@media (max-width: 30rem) { .signer dl { grid-template-columns: 1fr; } .signer dt { margin-top: 0.35rem; } }
`;

function signerItem(signer: SiteSigner): string {
  const name = signer.name ?? `Key ${signer.fingerprint.slice(-16)}`;
  const links = [
    ...signer.emails.map((email) => `<a href="mailto:${escapeHtml(encodeURIComponent(email).replace(/%40/g, '@'))}">${escapeHtml(email)}</a>`),
    ...(signer.keybase ? [`<a href="https://keybase.io/${escapeHtml(encodeURIComponent(signer.keybase))}">keybase.io/${escapeHtml(signer.keybase)}</a>`] : []),
  ];
  const rows: [string, string][] = [
    ['Fingerprint', `<span class="fingerprint">${escapeHtml(groupFingerprint(signer.fingerprint))}</span>`],
    ...(links.length ? [['Vouched for', links.join(', ')] as [string, string]] : []),
    ['Key from', escapeHtml(signer.keySource)],
    ['Signed', `<time datetime="${escapeHtml(signer.signed)}">${escapeHtml(signer.signed.slice(0, 10))}</time>`],
    ...(signer.signedText !== null ? [['Signed text', escapeHtml(signer.signedText)] as [string, string]] : []),
    ['File', signer.documents.map((path) => `<code>${escapeHtml(path)}</code>`).join(', ')],
  ];
  const list = rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('');
  return `<li class="signer"><h3>${escapeHtml(name)}</h3><dl>${list}</dl></li>`;
}

/** The page, deterministic for a given manifest and options (the committed manifest has no timestamps). */
export function renderSite(manifest: Manifest, options: SiteOptions = {}): string {
  const title = options.title ?? 'Signers';
  const signers = siteSigners(manifest);
  const { summary } = manifest;
  const styleHash = hash('sha256', STYLE, 'base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'`;
  const statement = options.statement
    ? `<h2 id="statement">The statement</h2>\n<blockquote><p>${escapeHtml(options.statement)
        .replace(/\{name\}/g, '<em>[name]</em>')
        .replace(/\n/g, '<br>')}</p></blockquote>`
    : '';
  const failed = manifest.documents.filter((document) => document.verdict !== 'verified').length;
  const counts = `<p class="counts"><strong>${signers.length}</strong> verified signer${signers.length === 1 ? '' : 's'}, from ${summary.documents} file${summary.documents === 1 ? '' : 's'}${failed > 0 ? `; ${failed} not (yet) verified and not listed` : ''}.</p>`;
  const items = signers.length ? `<ol class="signers">\n${signers.map(signerItem).join('\n')}\n</ol>` : '<p>No verified signer yet.</p>';
  const repository = options.repositoryUrl
    ? `git clone ${options.repositoryUrl}\ncd ${
        options.repositoryUrl
          .replace(/\/+$/, '')
          .split('/')
          .pop()
          ?.replace(/\.git$/, '') ?? 'repository'
      }\n`
    : '';
  const check = `<h2 id="check">Check it yourself</h2>
<p>Every name here is a key that made a good signature over the statement. Nothing on this page needs to be trusted: with pledge or GnuPG, check the signer files of the repository yourself.</p>
<pre><code>${escapeHtml(repository)}# every signer file, each key found and checked
npx pledge-verify verify
# this list is exactly what verification gives
npx pledge-verify verify --check-manifest signers.json
# one file, with the signer's key imported
gpg --verify _signatures/FILE.md</code></pre>
<p>Compare the fingerprint shown here with the one <code>gpg</code> prints.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="pledge ${escapeHtml(manifest.generator.version)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${statement}
<h2 id="signers">Verified signers</h2>
${counts}
${items}
${check}
<footer>Made by pledge from its manifest (signers.json). No script, no tracking: this page makes no request.</footer>
</main>
</body>
</html>
`;
}
