import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PledgeError } from '../core/reasons.js';
import { withDeadline } from '../core/deadline.js';
import { makeDirectory } from '../core/make-directory.js';

/** How long creating the cache folder may take before the run gives up on it (a hung mount). */
const CREATE_DEADLINE_MS = 5_000;

function kindOf(path: string): 'file' | 'directory' | 'other' | null {
  try {
    const stat = statSync(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
  } catch {
    return null;
  }
}

/**
 * An output file (--manifest, -o) must be writable where it is named: checked before any
 * verification, so an ordinary mistake is a usage error naming the path, not a bug after the work.
 */
export function checkOutputFile(option: string, file: string, cwd: string): void {
  const path = resolve(cwd, file);
  const kind = kindOf(path);
  if (kind === 'directory') throw new PledgeError('usage', `${option} ${file}: is a directory; name a file`);
  if (kind === 'other') throw new PledgeError('usage', `${option} ${file}: not a regular file`);
  const parent = kindOf(dirname(path));
  if (parent === null) throw new PledgeError('usage', `${option} ${file}: the folder ${dirname(file)} does not exist`);
  if (parent !== 'directory') throw new PledgeError('usage', `${option} ${file}: ${dirname(file)} is not a folder`);
}

/**
 * A cache directory to read or empty (`keys list`, `keys clear`): one that does not exist holds
 * no keys, but a file there is a mistake to say, not an empty cache (nor a path to remove under).
 * Says whether the folder itself exists.
 */
export function checkExistingCacheDirectory(option: string, directory: string, cwd: string): { exists: boolean } {
  const target = resolve(cwd, directory);
  for (let path = target; ; path = dirname(path)) {
    const kind = kindOf(path);
    if (kind === 'directory') return { exists: path === target };
    if (kind !== null) throw new PledgeError('usage', `${option} ${directory}: ${path} is not a folder`);
    if (dirname(path) === path) return { exists: false };
  }
}

/**
 * A cache directory must not be a file (nor sit under one), and is created now if it does not
 * exist: a folder that cannot be made (under /proc, read-only) is a usage error naming it,
 * before any work, never a run that hangs or a bug report after it.
 */
export async function checkCacheDirectory(option: string, directory: string, cwd: string): Promise<void> {
  if (checkExistingCacheDirectory(option, directory, cwd).exists) return;
  const target = resolve(cwd, directory);
  const late = () => new PledgeError('usage', `${option} ${directory}: creating the folder ${target} did not finish within ${CREATE_DEADLINE_MS / 1000} s`);
  try {
    await withDeadline(makeDirectory(target), CREATE_DEADLINE_MS, late);
  } catch (error) {
    if (error instanceof PledgeError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PledgeError('usage', `${option} ${directory}: cannot create the folder ${target} (${code})`);
  }
}
