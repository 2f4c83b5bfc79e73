import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import type { KeyCandidate } from '../key-source.js';
import { readAllKeys } from '../read-keys.js';
import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../../core/limits.js';
import { toPosixPath } from '../../extract/collect-paths.js';

const KEY_FILE = /\.(asc|gpg|pgp|key|pub|kbx?)$/i;

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
    for (const file of keyFilesUnder(path)) {
      const { keys, errors, tooLarge } = await readAllKeys(readFileSync(file), limits);
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
