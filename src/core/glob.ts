import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { naturalCompare } from './natural-order.js';

/** A glob as a regular expression: `**` crosses folders, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index++) {
    const character = glob[index]!;
    if (character === '*' && glob[index + 1] === '*') {
      const slash = glob[index + 2] === '/';
      pattern += slash ? '(?:.*/)?' : '.*';
      index += slash ? 2 : 1;
    } else if (character === '*') pattern += '[^/]*';
    else if (character === '?') pattern += '[^/]';
    else pattern += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern.replace(/^\.\//, '')}$`);
}

export function matchesAny(path: string, globs: RegExp[]): boolean {
  return globs.some((glob) => glob.test(path));
}

/** Files under `root` (POSIX paths relative to it) matching the globs, in natural order (as a walk); .git and node_modules skipped. */
export async function expandGlobs(root: string, include: string[], exclude: string[] = []): Promise<string[]> {
  const wanted = include.map(globToRegExp);
  const unwanted = exclude.map(globToRegExp);
  const found: string[] = [];
  async function walk(directory: string): Promise<void> {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const relativePath = relative(root, path).split(sep).join('/');
        if (matchesAny(relativePath, wanted) && !matchesAny(relativePath, unwanted)) found.push(relativePath);
      }
    }
  }
  await walk(root);
  return found.sort(naturalCompare);
}
