/**
 * Key-building and oracle helpers for test/verify/key-history (issue 12): GnuPG at a faked
 * system time, Sequoia (sq, sqv) where it can, and pledge in-process. Every key is made at test
 * time in a fresh GNUPGHOME (ed25519 and brainpool generate in milliseconds), so the suite is
 * reproducible from this file alone and needs no committed key material.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { verifyDocuments } from '../../../src/pipeline/run.js';
import type { Manifest } from '../../../src/report/manifest.js';

const has = (tool: string, args = ['--version']) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
export const HAVE = { gpg: has('gpg'), sq: has('sq'), sqv: has('sqv') };
/** In CI the oracles must be there: a missing one fails rather than skips (as test/fixtures.test.ts). */
export const REQUIRE_ORACLES = process.env.PLEDGE_REQUIRE_ORACLES === '1';
/** An oracle is asked when it is installed, and must be when CI requires it. */
export const gnupgLive = HAVE.gpg || REQUIRE_ORACLES;
export const sequoiaLive = HAVE.sq || REQUIRE_ORACLES;
export const at = (iso: string) => new Date(`${iso}T00:00:00Z`);
/** pledge and GnuPG judge at this fixed "now"; sq 0.27 has no such option and judges at the real clock (later). */
export const NOW = at('2026-06-01');

/** GnuPG's time format for --faked-system-time, frozen ("!"). */
const gpgTime = (date: Date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}!`;

export const TEXT = 'We, the undersigned, keep our keys for years.\n';

/** A GnuPG home in a temp folder, each command run at a chosen faked time. */
export class Gpg {
  static readonly homes: string[] = [];
  readonly home = mkdtempSync(join(tmpdir(), 'pledge-kh-gpg-'));

  constructor() {
    Gpg.homes.push(this.home);
  }

  /** Key generation needs a gpg-agent: stop each one this suite started. */
  static stopAgents(): void {
    for (const home of Gpg.homes.splice(0)) spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  }

  run(at: Date | null, args: string[], input?: string): string {
    const time = at ? ['--faked-system-time', gpgTime(at)] : [];
    return execFileSync('gpg', ['--homedir', this.home, '--batch', '--quiet', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...time, ...args], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'ignore'],
      ...(input === undefined ? {} : { input }),
    });
  }

  /** Fingerprints of the key with `email`: primary first, then its subkeys. */
  fingerprints(email: string): string[] {
    return this.run(null, ['--with-colons', '--list-keys', `<${email}>`])
      .split('\n')
      .filter((line) => line.startsWith('fpr:'))
      .map((line) => line.split(':')[9]!);
  }

  generate(at: Date, userID: string, algorithm: string, usage: string, expire: string, extra: string[] = []): string {
    this.run(at, [...extra, '--quick-gen-key', userID, algorithm, usage, expire]);
    return this.fingerprints(/<(.*)>/.exec(userID)![1]!)[0]!;
  }

  /** A clearsigned TEXT made at `at` by exactly `signer` (a primary or subkey fingerprint). */
  clearsign(at: Date, signer: string, extra: string[] = [], text = TEXT): string {
    return this.run(at, ['--local-user', `${signer}!`, ...extra, '--clearsign'], text);
  }

  exportPublic(fingerprint: string, options: string[] = []): string {
    return this.run(null, ['--armor', ...options, '--export', fingerprint]);
  }

  async secretKey(fingerprint: string): Promise<openpgp.PrivateKey> {
    const armored = this.run(null, ['--armor', '--export-secret-keys', fingerprint]);
    return openpgp.readPrivateKey({ armoredKey: armored });
  }
}

/** GnuPG's keywords (GOODSIG, BADSIG, EXPKEYSIG, REVKEYSIG, EXPSIG, ERRSIG) for `document`, judged at `at` (null: now). */
export function gnupgSays(document: string, keys: string[], at: Date | null = null): string[] {
  const home = mkdtempSync(join(tmpdir(), 'pledge-kh-oracle-'));
  keys.forEach((key, index) => writeFileSync(join(home, `k${index}.asc`), key));
  spawnSync('gpg', ['--homedir', home, '--batch', '--quiet', '--no-autostart', '--import', ...keys.map((_, index) => join(home, `k${index}.asc`))], { stdio: 'ignore' });
  const time = at ? ['--faked-system-time', gpgTime(at)] : [];
  const result = spawnSync('gpg', ['--homedir', home, '--batch', '--no-autostart', ...time, '--status-fd', '1', '--verify', document], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('[GNUPG:] '))
    .map((line) => line.split(' ')[1]!)
    .filter((keyword) => ['GOODSIG', 'BADSIG', 'EXPKEYSIG', 'REVKEYSIG', 'EXPSIG', 'ERRSIG'].includes(keyword));
}

/** Does `sq verify` accept the document with this certificate? (sq 0.27 judges at the real now.) */
export function sequoiaAccepts(document: string, key: string): boolean {
  return spawnSync('sq', ['verify', '--signer-cert', key, document], { stdio: 'ignore' }).status === 0;
}

/**
 * Does sqv accept it? sqv reads detached signatures only: the cleartext block is split into its
 * text (dash-escapes undone, without the line break before the armor) and its signature armor,
 * which for a text (0x01) signature hashes the same octets.
 */
export function sqvAccepts(documentPath: string, document: string, keyPath: string): boolean {
  const [head, armor] = document.split('-----BEGIN PGP SIGNATURE-----');
  const body = head!
    .slice(head!.indexOf('\n\n') + 2)
    .replace(/\n$/, '')
    .replace(/^- /gm, '');
  writeFileSync(`${documentPath}.txt`, body);
  writeFileSync(`${documentPath}.sig`, `-----BEGIN PGP SIGNATURE-----${armor}`);
  return spawnSync('sqv', ['--keyring', keyPath, `${documentPath}.sig`, `${documentPath}.txt`], { stdio: 'ignore' }).status === 0;
}

export interface Verdict {
  status: string;
  reason: string | null;
  warnings: string[];
  userIDs: string[];
}

/** pledge's verdicts on `documents`, in order, with `keys` as the keyring, judged at `now`. */
export async function pledgeSays(dir: string, name: string, documents: string[], keys: string[], now?: Date): Promise<{ verdicts: Verdict[]; manifest: Manifest; paths: string[]; keyring: string }> {
  const keyring = join(dir, `${name}.asc`);
  writeFileSync(keyring, keys.join('\n'));
  const paths = documents.map((document, index) => {
    const path = join(dir, `${name}-${index}.txt`);
    writeFileSync(path, document);
    return path;
  });
  const manifest = await verifyDocuments({ paths, keyrings: [keyring], version: 'key-history', ...(now ? { now } : {}) });
  const verdicts = manifest.documents.flatMap((document) => document.blocks.flatMap((block) => block.signatures.map((s) => ({ status: s.status, reason: s.reason?.code ?? null, warnings: [...s.warnings], userIDs: [...s.userIDs] }))));
  return { verdicts, manifest, paths, keyring };
}

export const scratch = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
