/**
 * A folder of statements with detached signatures, as a security team or a release publishes
 * them (issue 14), made at test time by GnuPG, Sequoia and openpgp.js: several signers, a bad
 * signature, a missing key, binary and armored files, binary and text signature types, a CRLF
 * document with text signatures, a signature over the wrong document, odd names, an orphan and
 * an ambiguous signature file. `expected` is the verdict pledge must give each signature.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { createSigner, type TestSigner } from '../helpers/sign.js';
import { Gpg, HAVE, REQUIRE_ORACLES, scratch } from '../verify/key-history/tools.js';

/** The collection can be built, and GnuPG's and Sequoia's verdicts asked, only with gpg and sq installed. */
export const oraclesLive = (HAVE.gpg && HAVE.sq && HAVE.sqv) || REQUIRE_ORACLES;
export const oracleSkipReason = oraclesLive ? '' : ' (skipped: gpg, gpgv, sq and sqv must all be installed; PLEDGE_REQUIRE_ORACLES=1 makes this a failure)';

export interface Collection {
  root: string;
  /** The statements and their signature files. */
  folder: string;
  /** Armored public keys of alice, bob, carol and dave (mallory's is missing, on purpose). */
  keyring: string;
  /** The same keys in GnuPG's binary keyring format, for gpgv and sqv. */
  binaryKeyring: string;
  fingerprints: Record<'alice' | 'bob' | 'carol' | 'dave' | 'mallory', string>;
  /** Signature file (relative to `folder`) → the statuses of its signatures, in file order. */
  expected: Record<string, string[]>;
  /** Signature file → the document it signs (relative to `folder`). */
  pairs: Record<string, string>;
  gpg: Gpg;
}

const LF_STATEMENT = 'Canary 047\n\nAs of 2026-06-01 we have received no secret orders.\nSigned by the security team.\n';
const CRLF_BULLETIN = 'Bulletin 12\r\n\r\nPatch the parser before Friday.\r\n';

async function openpgpDetached(signer: TestSigner, message: openpgp.Message<string | Uint8Array>, armored: boolean): Promise<string | Uint8Array> {
  const options = { message, signingKeys: signer.privateKey, detached: true, date: new Date(Date.now() - 60_000) } as const;
  return armored ? openpgp.sign({ ...options, format: 'armored' }) : openpgp.sign({ ...options, format: 'binary' });
}

function sq(args: string[]): Buffer {
  return execFileSync('sq', args, { stdio: ['ignore', 'pipe', 'ignore'] });
}

export async function buildCollection(): Promise<Collection> {
  const root = scratch('pledge-detached-');
  const folder = join(root, 'canaries');
  mkdirSync(folder);
  const at = (name: string) => join(folder, name);
  const gpg = new Gpg();
  const yesterday = new Date(Date.now() - 86_400_000);
  const alice = gpg.generate(yesterday, 'Alice <alice@example.org>', 'ed25519', 'sign', 'never');
  const bob = gpg.generate(yesterday, 'Bob <bob@example.org>', 'rsa2048', 'sign', 'never');
  const gpgSign = (signer: string, document: string, output: string, extra: string[] = []) =>
    gpg.run(null, ['--local-user', `${signer}!`, ...extra, '--detach-sign', '--output', at(output), at(document)]);

  // Sequoia: carol's key, a signing subkey beside the primary.
  sq(['key', 'generate', '--userid', 'Carol <carol@example.org>', '--export', join(root, 'carol.pgp')]);
  writeFileSync(join(root, 'carol.cert'), sq(['key', 'extract-cert', join(root, 'carol.pgp')]));
  const carolCert = readFileSync(join(root, 'carol.cert'), 'utf8');
  const carol = (await openpgp.readKey({ armoredKey: carolCert })).getFingerprint().toUpperCase();
  const sqSign = (document: string, output: string, binary = false) => writeFileSync(at(output), sq(['sign', '--detached', ...(binary ? ['--binary'] : []), '--signer-key', join(root, 'carol.pgp'), at(document)]));

  const dave = await createSigner('Dave <dave@example.org>');
  const mallory = await createSigner('Mallory <mallory@example.org>');

  const expected: Record<string, string[]> = {};
  const pairs: Record<string, string> = {};
  const sign = (output: string, document: string, statuses: string[]) => {
    expected[output] = statuses;
    pairs[output] = document;
  };

  // The canary, signed by five: GnuPG binary (binary type), GnuPG armored (text type), Sequoia
  // armored and binary, openpgp.js armored (text type) and binary (binary type), and mallory, whose key nobody has.
  writeFileSync(at('canary-047.txt'), LF_STATEMENT);
  gpgSign(alice, 'canary-047.txt', 'canary-047.txt.sig.alice');
  sign('canary-047.txt.sig.alice', 'canary-047.txt', ['verified']);
  gpgSign(bob, 'canary-047.txt', 'canary-047.txt.sig.bob', ['--armor', '--textmode']);
  sign('canary-047.txt.sig.bob', 'canary-047.txt', ['verified']);
  sqSign('canary-047.txt', 'canary-047.txt.sig.carol');
  sign('canary-047.txt.sig.carol', 'canary-047.txt', ['verified']);
  writeFileSync(at('canary-047.txt.sig.dave'), await openpgpDetached(dave, await openpgp.createMessage({ text: LF_STATEMENT }), true));
  sign('canary-047.txt.sig.dave', 'canary-047.txt', ['verified']);
  writeFileSync(at('canary-047.txt.sig.mallory'), await openpgpDetached(mallory, await openpgp.createMessage({ binary: Buffer.from(LF_STATEMENT) }), false));
  sign('canary-047.txt.sig.mallory', 'canary-047.txt', ['no-public-key']);

  // Older years' names: X.sign.NAME and X.NAME.
  writeFileSync(at('canary-016.txt'), LF_STATEMENT.replace('047', '016'));
  gpgSign(alice, 'canary-016.txt', 'canary-016.txt.sign.alice', ['--armor']);
  sign('canary-016.txt.sign.alice', 'canary-016.txt', ['verified']);
  writeFileSync(at('canary-003.txt'), LF_STATEMENT.replace('047', '003'));
  sqSign('canary-003.txt', 'canary-003.txt.carol', true);
  sign('canary-003.txt.carol', 'canary-003.txt', ['verified']);

  // A CRLF document: text signatures hash it as it is (its line endings are already canonical).
  writeFileSync(at('bulletin-12.txt'), CRLF_BULLETIN);
  gpgSign(alice, 'bulletin-12.txt', 'bulletin-12.txt.asc', ['--armor', '--textmode']);
  sign('bulletin-12.txt.asc', 'bulletin-12.txt', ['verified']);
  writeFileSync(at('bulletin-12.txt.sig.dave'), await openpgpDetached(dave, await openpgp.createMessage({ text: CRLF_BULLETIN }), false));
  sign('bulletin-12.txt.sig.dave', 'bulletin-12.txt', ['verified']);

  // Text mode over trailing whitespace: only LF becomes CRLF, nothing is stripped (unlike a cleartext block).
  writeFileSync(at('whitespace.txt'), 'trailing spaces  \ntab\t\n');
  gpgSign(bob, 'whitespace.txt', 'whitespace.txt.asc', ['--armor', '--textmode']);
  sign('whitespace.txt.asc', 'whitespace.txt', ['verified']);
  // A lone CR under a text signature: GnuPG and openpgp.js hash it as it is, Sequoia as a line
  // ending. pledge sides with GnuPG, and warns of the control character (SEQUOIA_DISAGREES).
  writeFileSync(at('lone-cr.txt'), 'shown\rhidden\n');
  gpgSign(bob, 'lone-cr.txt', 'lone-cr.txt.asc', ['--armor', '--textmode']);
  sign('lone-cr.txt.asc', 'lone-cr.txt', ['verified']);

  // Release checksums with two signatures in one armored file.
  writeFileSync(at('SHA256SUMS'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.txt\n');
  gpg.run(null, ['--local-user', `${alice}!`, '--local-user', `${bob}!`, '--armor', '--detach-sign', '--output', at('SHA256SUMS.asc'), at('SHA256SUMS')]);
  sign('SHA256SUMS.asc', 'SHA256SUMS', ['verified', 'verified']);

  // A release archive: no text at all, signed as binary data (the walk skips it as not text, its signature does not).
  writeFileSync(at('release.tar.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0a, 0x00, 0x0d, 0x00, 0xff]));
  gpgSign(bob, 'release.tar.gz', 'release.tar.gz.sig');
  sign('release.tar.gz.sig', 'release.tar.gz', ['verified']);

  // A bad one: the statement changed after alice signed it.
  writeFileSync(at('canary-048.txt'), LF_STATEMENT.replace('047', '048'));
  gpgSign(alice, 'canary-048.txt', 'canary-048.txt.sig');
  writeFileSync(at('canary-048.txt'), LF_STATEMENT.replace('047', '048').replace('no secret', 'two secret'));
  sign('canary-048.txt.sig', 'canary-048.txt', ['bad-signature']);

  // A signature over the wrong document: alice's signature of the canary, beside another statement.
  writeFileSync(at('canary-049.txt'), LF_STATEMENT.replace('047', '049'));
  copyFileSync(at('canary-047.txt.sig.alice'), at('canary-049.txt.sig'));
  sign('canary-049.txt.sig', 'canary-049.txt', ['bad-signature']);

  // An orphan: its statement was never published.
  gpgSign(alice, 'canary-047.txt', 'canary-050.txt.sig', ['--armor']);
  // Ambiguous: notes.txt.sig.bob beside notes.txt.sig — over notes.txt, or over notes.txt.sig?
  writeFileSync(at('notes.txt'), 'Meeting notes.\n');
  gpgSign(alice, 'notes.txt', 'notes.txt.sig');
  sign('notes.txt.sig', 'notes.txt', ['verified']);
  gpgSign(bob, 'notes.txt', 'notes.txt.sig.bob');
  // Named like a signature, but a text: a document like any other.
  writeFileSync(at('howto.sig'), 'How to check these signatures: run gpg --verify on each .sig file.\n');

  const keyring = join(root, 'keys.asc');
  writeFileSync(keyring, [gpg.exportPublic(alice), gpg.exportPublic(bob), carolCert, dave.armoredPublicKey].join('\n'));
  const binaryKeyring = join(root, 'keys.gpg');
  const keyHome = scratch('pledge-detached-keys-');
  // Public keys only: no agent is needed, and none is left running.
  spawnSync('gpg', ['--homedir', keyHome, '--batch', '--quiet', '--no-autostart', '--import', keyring], { stdio: 'ignore' });
  writeFileSync(binaryKeyring, execFileSync('gpg', ['--homedir', keyHome, '--batch', '--no-autostart', '--export'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  return { root, folder, keyring, binaryKeyring, fingerprints: { alice, bob, carol, dave: dave.fingerprint, mallory: mallory.fingerprint }, expected, pairs, gpg };
}

/** GnuPG's verdict on each signature of SIG over DOC, from gpgv's status lines: GOODSIG, BADSIG or ERRSIG. */
export function gpgvSays(keyring: string, signature: string, document: string): string[] {
  const result = spawnSync('gpgv', ['--keyring', keyring, '--status-fd', '1', signature, document], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((keyword) => ['GOODSIG', 'BADSIG', 'ERRSIG'].includes(keyword));
}

/** Sequoia's: does sqv accept SIG over DOC (at least one good signature by a key of the keyring)? */
export function sqvAccepts(keyring: string, signature: string, document: string): boolean {
  return spawnSync('sqv', ['--keyring', keyring, signature, document], { stdio: 'ignore' }).status === 0;
}

/** Where sqv's verdict differs from GnuPG's and pledge's, on purpose: a lone CR under a text signature. */
export const SEQUOIA_DISAGREES = new Set(['lone-cr.txt.asc']);

/** pledge's status for each GnuPG keyword. */
export const GNUPG_STATUS: Record<string, string> = { GOODSIG: 'verified', BADSIG: 'bad-signature', ERRSIG: 'no-public-key' };
