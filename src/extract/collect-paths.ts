import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { Ignore } from 'ignore';
import { globToRegExp, matchesAny } from '../core/glob.js';

export function toPosixPath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

const SKIPPED_DIRECTORIES = new Set(['node_modules']);

export interface CollectOptions {
  /** Globs a file under a named directory must match (relative to that directory). */
  include?: string[];
  exclude?: string[];
  /** Honour .gitignore files inside named directories (default true). */
  gitignore?: boolean;
}

/**
 * The documents named on the command line, in order: files as given; directories walked in
 * sorted order, hidden entries and node_modules skipped, .gitignore honoured, --include and
 * --exclude applied. A path that does not exist is kept, so it is reported as unreadable
 * rather than silently dropped. Yields as it walks, so a huge tree is never listed whole.
 */
export async function* collectPaths(paths: string[], options: CollectOptions = {}): AsyncGenerator<string> {
  const include = options.include?.length ? options.include.map(globToRegExp) : null;
  const exclude = (options.exclude ?? []).map(globToRegExp);
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info?.isDirectory()) {
      yield path;
      continue;
    }
    const wanted = !include && exclude.length === 0 ? () => true : (file: string) => {
      const relativePath = toPosixPath(relative(path, file));
      return (!include || matchesAny(relativePath, include)) && !matchesAny(relativePath, exclude);
    };
    yield* walk(path, path, options.gitignore === false ? null : [], wanted);
  }
}

interface IgnoreLevel {
  base: string;
  rules: Ignore;
}

/** The `ignore` package, loaded on the first .gitignore met (the CLI walks on another thread). */
let ignore: (typeof import('ignore')) | null = null;

async function gitignoreAt(directory: string): Promise<IgnoreLevel | null> {
  const text = await readFile(join(directory, '.gitignore'), 'utf8').catch(() => null);
  if (text === null) return null;
  ignore ??= createRequire(import.meta.url)('ignore') as typeof import('ignore');
  return { base: directory, rules: ignore().add(text) };
}

function isIgnored(levels: IgnoreLevel[], path: string, isDirectory: boolean): boolean {
  return levels.some((level) => {
    const relativePath = toPosixPath(relative(level.base, path)) + (isDirectory ? '/' : '');
    return level.rules.ignores(relativePath);
  });
}

async function* walk(directory: string, root: string, ignores: IgnoreLevel[] | null, wanted: (file: string) => boolean): AsyncGenerator<string> {
  const own = ignores ? await gitignoreAt(directory) : null;
  const levels = ignores && own ? [...ignores, own] : ignores;
  const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const path = join(directory, entry.name);
    if (levels && isIgnored(levels, path, entry.isDirectory())) continue;
    if (entry.isDirectory()) yield* walk(path, root, levels, wanted);
    else if (entry.isFile() && wanted(path)) yield path;
  }
}

/** How many documents a walk would yield (for a progress bar's total). */
export async function countPaths(paths: string[], options: CollectOptions = {}): Promise<number> {
  let count = 0;
  for await (const _path of collectPaths(paths, options)) count++;
  return count;
}
