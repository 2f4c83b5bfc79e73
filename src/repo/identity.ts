import type { Reason, SignatureReasonCode } from '../core/reasons.js';
import { isEmail, isUsername, normaliseHex } from '../discovery/identifiers.js';
import type { KeyQuery } from '../discovery/key-source.js';
import type { RepositoryConfig } from './load-config.js';

/** Which primary keys a service says belong to an account or address; `error` when it could not say. */
export type ClaimLookup = (query: KeyQuery) => Promise<{ fingerprints: Set<string>; error: string | null; offline?: boolean; changed?: { account: string; previous: string[]; since: string } }>;

export type IdentityOutcome =
  | { outcome: 'backed' }
  | { outcome: 'unbacked'; reason: Reason<SignatureReasonCode> }
  | { outcome: 'unavailable'; message: string; offline?: boolean };

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

interface Claim {
  field: string;
  value: string;
  query: KeyQuery | null;
}

function claimsOf(frontMatter: Record<string, unknown>, rules: NonNullable<RepositoryConfig['identity']>): Claim[] {
  const claims: Claim[] = [];
  const keybase = text(frontMatter.keybase);
  if (rules.keybase && keybase) claims.push({ field: 'keybase', value: keybase, query: isUsername(keybase) ? { kind: 'keybase', username: keybase } : null });
  const github = text(frontMatter.github) ?? text(frontMatter.github_user);
  if (rules.github && github) claims.push({ field: 'github', value: github, query: isUsername(github) ? { kind: 'github', username: github } : null });
  const email = text(frontMatter.email);
  if (rules.email && email) claims.push({ field: 'email', value: email, query: isEmail(email) ? { kind: 'email', email } : null });
  return claims;
}

/**
 * Are the front matter's claims backed by the key that verified? A Keybase account or GitHub
 * account must list the key; an e-mail address must lead to it through keys.openpgp.org
 * (verified addresses only) or WKD; a fingerprint must be the key's. The document's word alone
 * never counts (threat catalogue D-01, K-07).
 */
export async function checkIdentity(
  frontMatter: Record<string, unknown> | null,
  rules: RepositoryConfig['identity'],
  key: { primaryKeyFingerprint: string; signingKeyFingerprint: string },
  lookup: ClaimLookup,
): Promise<IdentityOutcome> {
  if (!rules || !frontMatter) return { outcome: 'backed' };
  const claimedFingerprint = text(frontMatter.fingerprint);
  if (rules.fingerprint && claimedFingerprint) {
    const hex = normaliseHex(claimedFingerprint);
    if (hex !== key.primaryKeyFingerprint && hex !== key.signingKeyFingerprint) {
      return { outcome: 'unbacked', reason: { code: 'identity-mismatch', message: `the front matter names fingerprint ${hex}, but the signature was made by ${key.primaryKeyFingerprint}` } };
    }
  }
  for (const claim of claimsOf(frontMatter, rules)) {
    if (!claim.query) {
      return { outcome: 'unbacked', reason: { code: 'identity-mismatch', message: `front matter ${claim.field} "${claim.value}" is not a valid ${claim.field} name` } };
    }
    const answer = await lookup(claim.query);
    if (answer.fingerprints.has(key.primaryKeyFingerprint) && answer.changed) {
      // K-20: the account lists this key now, but served only others before: it changed hands, or its owner replaced the key.
      const { account, previous, since } = answer.changed;
      return { outcome: 'unbacked', reason: { code: 'key-changed', message: `${account} served ${previous.join(', ')} before (first seen ${since}) and now serves only other keys: the name changed hands, or its owner replaced the key` } };
    }
    if (answer.fingerprints.has(key.primaryKeyFingerprint)) continue;
    if (answer.error) return { outcome: 'unavailable', message: `could not check the ${claim.field} claim "${claim.value}": ${answer.error}`, ...(answer.offline ? { offline: true } : {}) };
    const where = claim.field === 'email' ? 'keys.openpgp.org and WKD do not return' : `the ${claim.field} account "${claim.value}" does not list`;
    return { outcome: 'unbacked', reason: { code: 'identity-mismatch', message: `${where} the key that signed (${key.primaryKeyFingerprint}), so the ${claim.field} claim is not backed` } };
  }
  return { outcome: 'backed' };
}
