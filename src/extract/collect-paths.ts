import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

export function toPosixPath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

const SKIPPED_DIRECTORIES = new Set(['node_modules']);

/**
 * The documents named on the command line: files as given, directories walked in sorted
 * order (hidden entries and node_modules skipped). A path that does not exist is kept, so it
 * is reported as unreadable rather than silently dropped.
 */
export async function collectPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}

async function walk(directory: string): Promise<string[]> {
  const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
