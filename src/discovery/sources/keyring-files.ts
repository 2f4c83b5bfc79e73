import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import type { KeyCandidate } from '../key-source.js';
import { readAllKeys, type ReadKeysResult } from '../read-keys.js';
import { isKeybox, KeyboxError, keyboxKeyBlocks } from '../keybox.js';
import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../../core/limits.js';
import { toPosixPath } from '../../extract/collect-paths.js';

const KEY_FILE = /\.(asc|gpg|pgp|key|pub|kbx?)$/i;

/** Is this the name of a file a keyring folder is read for? (Only these are loaded from a folder.) */
export const isKeyFileName = (name: string): boolean => KEY_FILE.test(name);

/**
 * A GnuPG home ($GNUPGHOME, ~/.gnupg) is read for its public keyring alone, as gpg picks it:
 * pubring.kbx, else the legacy pubring.gpg. Its trust database and secret keys are never read.
 */
const GNUPG_KEYRINGS = ['pubring.kbx', 'pubring.gpg'];
/** What only a GnuPG home holds: a keys/ folder of a repository that happens to hold a pubring.gpg is still read whole. */
const GNUPG_HOME_MARKS = new Set(['trustdb.gpg', 'private-keys-v1.d', 'gpg.conf', 'secring.gpg', 'openpgp-revocs.d']);
const GNUPG_PRIVATE = new Set(['trustdb.gpg', 'secring.gpg']);

/** Synchronous on purpose: a keyring directory of a few hundred small files is read at start-up, and a thread-pool round trip per file cost more than the reads. */
function keyFilesUnder(path: string): string[] {
  const info = (() => {
    try {
      return statSync(path);
    } catch {
      return null;
    }
  })();
  if (!info) throw new PledgeError('usage', `--keyring ${path}: no such file or directory`);
  if (info.isFile()) return [path];
  const entries = readdirSync(path, { withFileTypes: true });
  if (entries.some((entry) => GNUPG_HOME_MARKS.has(entry.name))) {
    const keyring = GNUPG_KEYRINGS.find((name) => entries.some((entry) => entry.isFile() && entry.name === name));
    if (keyring) return [join(path, keyring)];
  }
  const files = entries
    .filter((entry) => entry.isFile() && KEY_FILE.test(entry.name) && !GNUPG_PRIVATE.has(entry.name))
    .map((entry) => join(path, entry.name))
    .sort();
  return files;
}

const SECRET_ARMOR = '-----BEGIN PGP PRIVATE KEY BLOCK-----';
const SECRET_KEY_TAGS = new Set([5, 7]); // secret-key and secret-subkey packets (RFC 9580 §5.5)

/** Does this key file hold secret key material (armored, or binary starting with a secret-key packet)? */
function holdsSecretKey(bytes: Buffer): boolean {
  const first = bytes[0];
  if (first === undefined) return false;
  if ((first & 0x80) === 0) return bytes.includes(SECRET_ARMOR);
  const tag = first & 0x40 ? first & 0x3f : (first & 0x3c) >> 2;
  return SECRET_KEY_TAGS.has(tag);
}

/**
 * The --keyring files that hold secret keys. pledge uses only their public part, but a secret
 * key beside public ones is one `git add keys/` away from being published: the CLI warns.
 */
export function keyringFilesWithSecretKeys(paths: KeyringInput[]): string[] {
  return paths.flatMap((path) => {
    if (typeof path !== 'string') return holdsSecretKey(Buffer.from(path.bytes)) ? [path.name] : [];
    try {
      return keyFilesUnder(path).filter((file) => holdsSecretKey(readFileSync(file)));
    } catch {
      return []; // a missing path is reported where the keys are loaded
    }
  });
}

/**
 * How a keyring file is named in a manifest: relative to `base` (the repository, or the working
 * directory), else to the working directory, else by its file name alone: never an absolute
 * path, which would leak the maintainer's home and differ in every clone (issue 20).
 */
export function keyringSourceName(file: string, base = '.'): string {
  const absolute = resolve(file);
  for (const from of [resolve(base), resolve('.')]) {
    const path = relative(from, absolute);
    if (path && !path.startsWith('..') && !isAbsolute(path)) return `keyring:${toPosixPath(path)}`;
  }
  return `keyring:${basename(absolute)}`;
}

/** A keyring given as bytes rather than a path (`-k -`: stdin), by the name it is reported under. */
export interface KeyringText {
  name: string;
  bytes: Uint8Array;
}

/** A --keyring: a file or folder path, or bytes already read. */
export type KeyringInput = string | KeyringText;

/**
 * Keys from --keyring files or directories: each file may hold one or many armored or binary
 * keys. A file that holds no key is a usage error, so a typo never silently verifies nothing.
 */
export async function loadKeyringFiles(paths: KeyringInput[], limits: KeyLimits = DEFAULT_KEY_LIMITS, base?: string): Promise<KeyCandidate[]> {
  const candidates: KeyCandidate[] = [];
  for (const path of paths) {
    if (typeof path !== 'string') {
      candidates.push(...(await keyFileCandidates(path.name, path.bytes, limits, base)));
      continue;
    }
    for (const file of keyFilesUnder(path)) candidates.push(...(await keyFileCandidates(file, readFileSync(file), limits, base)));
  }
  return candidates;
}

/** The keys in one key file's bytes, named by the file; the bytes may come from elsewhere (a git commit). */
export async function keyFileCandidates(file: string, bytes: Uint8Array, limits: KeyLimits = DEFAULT_KEY_LIMITS, base?: string): Promise<KeyCandidate[]> {
  const { keys, errors, tooLarge } = isKeybox(bytes) ? await readKeybox(file, bytes, limits) : await readAllKeys(bytes, limits);
  if (tooLarge) throw new PledgeError('usage', `--keyring ${file}: ${tooLarge}`);
  if (keys.length === 0) {
    const why = errors.length ? `: ${errors[0]}` : '';
    throw new PledgeError('usage', `--keyring ${file}: no OpenPGP key found in the file${why}`);
  }
  return keys.map((key) => ({ key, source: keyringSourceName(file, base) }));
}

/** A keybox's keys: the limits apply to each key block, as to a key file (a GnuPG user's keyring holds many). */
async function readKeybox(file: string, bytes: Uint8Array, limits: KeyLimits): Promise<ReadKeysResult> {
  let blocks: Uint8Array[];
  try {
    blocks = keyboxKeyBlocks(bytes);
  } catch (error) {
    if (error instanceof KeyboxError) throw new PledgeError('usage', `--keyring ${file}: a malformed GnuPG keybox: ${error.message}`);
    throw error;
  }
  const result: ReadKeysResult = { keys: [], errors: [] };
  for (const block of blocks) {
    const { keys, errors, tooLarge } = await readAllKeys(block, limits);
    if (tooLarge) return { ...result, tooLarge };
    result.keys.push(...keys);
    result.errors.push(...errors);
  }
  return result;
}
