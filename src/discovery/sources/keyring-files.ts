import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import type { KeyCandidate } from '../key-source.js';
import { readAllKeys } from '../read-keys.js';
import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../../core/limits.js';
import { toPosixPath } from '../../extract/collect-paths.js';

const KEY_FILE = /\.(asc|gpg|pgp|key|pub|kbx?)$/i;

async function keyFilesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new PledgeError('usage', `--keyring ${path}: no such file or directory`);
  if (info.isFile()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && KEY_FILE.test(entry.name))
    .map((entry) => join(path, entry.name))
    .sort();
  return files;
}

/**
 * Keys from --keyring files or directories: each file may hold one or many armored or binary
 * keys. A file that holds no key is a usage error, so a typo never silently verifies nothing.
 */
export async function loadKeyringFiles(paths: string[], limits: KeyLimits = DEFAULT_KEY_LIMITS): Promise<KeyCandidate[]> {
  const candidates: KeyCandidate[] = [];
  for (const path of paths) {
    for (const file of await keyFilesUnder(path)) {
      const { keys, errors, tooLarge } = await readAllKeys(await readFile(file), limits);
      if (tooLarge) throw new PledgeError('usage', `--keyring ${file}: ${tooLarge}`);
      if (keys.length === 0) {
        const why = errors.length ? `: ${errors[0]}` : '';
        throw new PledgeError('usage', `--keyring ${file}: no OpenPGP key found in the file${why}`);
      }
      for (const key of keys) candidates.push({ key, source: `keyring:${toPosixPath(file)}` });
    }
  }
  return candidates;
}
