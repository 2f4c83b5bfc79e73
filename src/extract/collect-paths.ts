import { readdirSync, readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { Ignore } from 'ignore';
import { globMatcher } from '../core/glob.js';
import { naturalCompare } from '../core/natural-order.js';
import { isNotTextByName } from './read-document.js';

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

/** Which files under a named directory the walk keeps: --include and --exclude, relative to it. */
function wantedUnder(root: string, options: CollectOptions): (file: string) => boolean {
  const include = options.include?.length ? globMatcher(options.include) : null;
  const exclude = globMatcher(options.exclude ?? []);
  if (!include && !options.exclude?.length) return () => true;
  return (file: string) => {
    const relativePath = toPosixPath(relative(root, file));
    return (!include || include(relativePath)) && !exclude(relativePath);
  };
}

/**
 * A document to read, and whether a directory walk found it: a walk skips files that are not
 * text (images, fonts, archives), where a file named on the command line is read, or refused.
 */
export interface CollectedPath {
  path: string;
  walked: boolean;
}

/**
 * The documents named on the command line, in order: files as given; directories walked in
 * natural order (core/natural-order.ts), hidden entries and node_modules skipped, .gitignore
 * honoured, --include and --exclude applied. A path that does not exist is kept, so it is
 * reported as unreadable rather than silently dropped. Yields as it walks, so a huge tree is
 * never listed whole.
 */
export async function* collectPaths(paths: string[], options: CollectOptions = {}): AsyncGenerator<CollectedPath> {
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info?.isDirectory()) {
      yield { path, walked: false };
      continue;
    }
    for await (const file of walk(path, options.gitignore === false ? null : [], wantedUnder(path, options))) yield { path: file, walked: true };
  }
}

/**
 * The same walk with blocking calls, for a thread that does nothing else (pipeline/reader/worker.ts):
 * a plain generator costs none of the promises an async one pays for every path.
 */
export function* collectPathsSync(paths: string[], options: CollectOptions = {}): Generator<CollectedPath> {
  for (const path of paths) {
    let info: Stats | null = null;
    try {
      info = statSync(path);
    } catch {
      // kept, to be reported as unreadable
    }
    if (!info?.isDirectory()) {
      yield { path, walked: false };
      continue;
    }
    for (const file of walkSync(path, options.gitignore === false ? null : [], wantedUnder(path, options))) yield { path: file, walked: true };
  }
}

interface IgnoreLevel {
  base: string;
  rules: Ignore;
}

/** The `ignore` package, loaded on the first .gitignore met (the CLI walks on another thread). */
let ignore: typeof import('ignore') | null = null;

/** The .gitignore levels in force inside `directory`, given its own .gitignore's text (null: none). */
function levelsIn(directory: string, ignores: IgnoreLevel[] | null, gitignore: string | null): IgnoreLevel[] | null {
  if (!ignores || gitignore === null) return ignores;
  ignore ??= createRequire(import.meta.url)('ignore') as typeof import('ignore');
  return [...ignores, { base: directory, rules: ignore().add(gitignore) }];
}

function isIgnored(levels: IgnoreLevel[], path: string, isDirectory: boolean): boolean {
  return levels.some((level) => {
    const relativePath = toPosixPath(relative(level.base, path)) + (isDirectory ? '/' : '');
    return level.rules.ignores(relativePath);
  });
}

/**
 * One directory's entries in walk order: natural order of their names (post-2 before post-10);
 * hidden, skipped and ignored ones left out. One at a time: a directory of 100,000 files must
 * not be held twice (the reading thread's heap is small).
 */
function* entriesInOrder(directory: string, entries: Dirent[], levels: IgnoreLevel[] | null): Generator<{ path: string; directory: boolean }> {
  for (const entry of entries.sort((a, b) => naturalCompare(a.name, b.name))) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const path = join(directory, entry.name);
    const isDirectory = entry.isDirectory();
    if (levels && isIgnored(levels, path, isDirectory)) continue;
    if (isDirectory || entry.isFile()) yield { path, directory: isDirectory };
  }
}

async function* walk(directory: string, ignores: IgnoreLevel[] | null, wanted: (file: string) => boolean): AsyncGenerator<string> {
  const gitignore = ignores ? await readFile(join(directory, '.gitignore'), 'utf8').catch(() => null) : null;
  const levels = levelsIn(directory, ignores, gitignore);
  for (const entry of entriesInOrder(directory, await readdir(directory, { withFileTypes: true }), levels)) {
    if (entry.directory) yield* walk(entry.path, levels, wanted);
    else if (wanted(entry.path)) yield entry.path;
  }
}

function* walkSync(directory: string, ignores: IgnoreLevel[] | null, wanted: (file: string) => boolean): Generator<string> {
  let gitignore: string | null = null;
  if (ignores) {
    try {
      gitignore = readFileSync(join(directory, '.gitignore'), 'utf8');
    } catch {
      // none here
    }
  }
  const levels = levelsIn(directory, ignores, gitignore);
  for (const entry of entriesInOrder(directory, readdirSync(directory, { withFileTypes: true }), levels)) {
    if (entry.directory) yield* walkSync(entry.path, levels, wanted);
    else if (wanted(entry.path)) yield entry.path;
  }
}

/** How many documents a walk would yield (for a progress bar's total). */
export async function countPaths(paths: string[], options: CollectOptions = {}): Promise<number> {
  let count = 0;
  for await (const _path of collectPaths(paths, options)) count++;
  return count;
}

/**
 * Does the walk yield at least `count` documents? A blocking walk that stops as soon as it
 * knows (a run decides its threads with it before it starts); it fails as the walk does.
 */
export function walkReaches(paths: string[], options: CollectOptions, count: number): boolean {
  let seen = 0;
  for (const _path of collectPathsSync(paths, options)) if (++seen >= count) return true;
  return false;
}

const GLOB_CHARACTERS = /[*?[]/;

/**
 * Why a path named on the command line gives nothing to read, or null when it does: a folder
 * in which the walk finds no document (empty, every file ignored, excluded or not text), or a
 * pattern the shell passed on because nothing matched it. Stops at the first document found.
 */
export async function nothingToRead(path: string, options: CollectOptions = {}): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (!info) return GLOB_CHARACTERS.test(path) ? `no file matches ${path}` : null;
  if (!info.isDirectory()) return null;
  let notText = 0;
  for await (const { path: file } of collectPaths([path], options)) {
    if (!isNotTextByName(file)) return null;
    notText++;
  }
  const filters = [...(options.include ?? []).map((glob) => `--include ${glob}`), ...(options.exclude ?? []).map((glob) => `--exclude ${glob}`)];
  const why = [...(notText ? [`${notText} file${notText === 1 ? '' : 's'} skipped as not text`] : []), ...(filters.length ? [`with ${filters.join(' ')}`] : [])];
  return `no documents in ${path}${why.length ? ` (${why.join('; ')})` : ''}`;
}
