import type { SignatureReasonCode, WarningCode } from '../core/reasons.js';
import type { Rendering } from '../extract/find-blocks.js';
import type { ManifestSignature } from './manifest.js';

const findKeyHint = (id: string | null) => `find the signer's public key for ${id} (on Keybase, keybase.io; on keys.openpgp.org; or from the signer) and pass it with --keyring FILE`;

/** Why a document fails with no signature at all: no form found, cleartext, inline message or detached signature. */
export const NOT_SIGNED_TEXT = 'no signed block found (no cleartext-signed block, inline-signed message or detached signature)';

/** What to do next, per reason: wording lives here, not in the verifier. */
export function hintFor(signature: ManifestSignature): string | null {
  const code: SignatureReasonCode | undefined = signature.reason?.code;
  const id = signature.issuerFingerprint ?? signature.issuerKeyID;
  switch (code) {
    case undefined:
      return null;
    case 'key-not-found':
      if (signature.reason?.detail === 'offline-no-server-asked') {
        return `the key for ${id} is not in the pinned keys, --keyring or the cache, and --offline asked no server: run without --offline to look it up (Keybase, keys.openpgp.org, the signer's accounts), or pass it with --keyring FILE`;
      }
      return findKeyHint(id);
    case 'key-mismatch':
      return findKeyHint(id);
    case 'key-unavailable':
      if (signature.reason?.detail === 'offline-no-server-asked') return '--offline asked no server, so an account the front matter names could not be checked: run without --offline';
      return 'a key server could not be reached: run again later, or pass the key with --keyring FILE';
    case 'signature-mismatch':
      return 'the signed text or the signature was changed after signing (or the key is not the one that signed)';
    case 'signature-invalid':
      return 'openpgp.js refuses this signature; see the reason above';
    case 'signature-in-future':
      return "the signer's clock was wrong or the date was forged; ask for a new signature";
    case 'signature-before-key':
      return 'a key cannot sign before it exists: the date was forged or the clock was wrong';
    case 'key-expired':
      return 'the key had expired when it signed; ask the signer to extend the key and sign again';
    case 'key-revoked':
      return "the signer revoked this key; ask for a signature with the signer's current key";
    case 'key-not-signing-capable':
      return 'the key (or subkey) was not allowed to sign: a signing subkey needs a back-signature';
    case 'weak-hash':
      return 'ask the signer to sign again with SHA-256 or SHA-512';
    case 'weak-key-algorithm':
    case 'weak-key-size':
    case 'legacy-format':
      return 'ask the signer to sign again with a modern key (Ed25519, or RSA of 3072 bits or more)';
    case 'statement-mismatch':
      return "the signature is good but over another text than the repository's statement";
    case 'identity-mismatch':
      return 'the claimed account or address is not backed by the key that signed';
    case 'key-changed':
      return 'the account now serves a different key than before; make sure it is still the same person';
    case 'unsupported':
      return 'pledge could not check this signature (see the reason): it is not evidence of tampering; check it with another tool';
  }
}

export const WARNING_TEXT: Record<WarningCode, string> = {
  'key-expired-since': 'the key has expired since it made this signature',
  'key-revoked-since': 'the key was retired or superseded after it made this signature',
  'weak-binding-sha1': 'the key binds its identities with SHA-1 self-signatures',
  'binding-newer-than-signature': "the key's surviving self-signatures are all newer than this signature (older ones were dropped on export); nothing in them contradicts it",
  'control-characters': 'the signed text holds control characters (shown escaped)',
  'confusable-text': 'the signed text holds bidi or zero-width characters: it may read other than it is (shown escaped)',
  'unverified-claim': "the key came from a source that checks no identity (an HKP keyserver or a URL): its user IDs are anyone's claim",
  'claim-mismatch': "the document names an author or signer that none of the key's user IDs carries: the key, not the page, says who signed",
};

export const RENDERING_TEXT: Record<Rendering, string> = {
  bom: 'byte-order mark',
  crlf: 'CRLF line endings',
  indentation: 'indentation',
  'quote-prefix': 'blockquote "> " prefix',
  'html-entities': 'HTML entities',
  'html-line-breaks': 'HTML <br> line breaks',
  'html-highlighting': 'HTML highlighting markup',
};
