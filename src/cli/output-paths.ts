import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PledgeError } from '../core/reasons.js';

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

/** A cache directory may not exist yet, but must not be a file (nor sit under one). */
export function checkCacheDirectory(option: string, directory: string, cwd: string): void {
  let path = resolve(cwd, directory);
  for (;;) {
    const kind = kindOf(path);
    if (kind === 'directory') return;
    if (kind !== null) throw new PledgeError('usage', `${option} ${directory}: ${path} is not a folder`);
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}
