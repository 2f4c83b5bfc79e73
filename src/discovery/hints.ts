import { isEmail, isFingerprint, isUsername, normaliseHex } from './identifiers.js';
import type { KeyQuery } from './key-source.js';
import type { Issuer } from './discover-keys.js';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

/**
 * Where else to look when the signature's issuer alone finds nothing: the document's front
 * matter (keybase, github, email, fingerprint, key) and the signature's hashed Signer's User
 * ID. Values of the wrong shape are ignored, so a document cannot steer requests elsewhere.
 */
export function hintQueries(frontMatter: Record<string, unknown> | null, signerUserID: string | null, issuer: Issuer): KeyQuery[] {
  const queries: KeyQuery[] = [];
  const matter = frontMatter ?? {};
  const fingerprint = text(matter.fingerprint);
  if (fingerprint) {
    const hex = normaliseHex(fingerprint);
    // Only a fingerprint consistent with the signature is worth asking for.
    if (isFingerprint(hex) && !issuer.issuerFingerprint && hex.endsWith(issuer.issuerKeyID)) queries.push({ kind: 'fingerprint', fingerprint: hex });
  }
  const keybase = text(matter.keybase);
  if (keybase && isUsername(keybase)) queries.push({ kind: 'keybase', username: keybase });
  const github = text(matter.github) ?? text(matter.github_user);
  if (github && isUsername(github)) queries.push({ kind: 'github', username: github });
  const emails = [text(matter.email), signerUserID ? (/<([^<>]+)>\s*$/.exec(signerUserID)?.[1] ?? signerUserID) : null];
  for (const email of emails) if (email && isEmail(email) && !queries.some((q) => q.kind === 'email' && q.email === email)) queries.push({ kind: 'email', email });
  const key = text(matter.key);
  if (key && /^https:\/\/[^\s]+$/.test(key)) queries.push({ kind: 'url', url: key });
  return queries;
}
