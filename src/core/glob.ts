import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch/posix.js';
import { naturalCompare } from './natural-order.js';
import { globProblem, shownGlob } from './glob-shape.js';
import { PledgeError } from './reasons.js';

/**
 * Globs as people know them from shells and .gitignore-like tools, read by picomatch: `*` and
 * `?` within a folder, `**` across folders, `{md,txt}`, `[a-c]`, and `!` to take a path back
 * out of a list. Paths are POSIX (forward slashes) whatever the system; dot files are matched
 * (a walk leaves hidden entries out before any glob is asked).
 */
const OPTIONS = { dot: true } as const;

const isNegated = (glob: string) => glob.startsWith('!');
const bare = (glob: string) => glob.replace(/^\.\//, '');

/** The last guard before picomatch (callers check first, to say where a glob came from): refuses a glob of a shape globProblem names. */
function checkShapes(globs: readonly string[]): void {
  for (const glob of globs) {
    const problem = globProblem(glob);
    if (problem) throw new PledgeError('usage', `the glob ${shownGlob(glob)} ${problem}`);
  }
}

/**
 * A list of globs as one test: a path matches when some glob takes it and no `!glob` does; a
 * list of `!globs` alone starts from every path. An empty list matches nothing.
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  checkShapes(globs);
  const positive = globs.filter((glob) => !isNegated(glob)).map(bare);
  const negative = globs.filter(isNegated).map((glob) => bare(glob.slice(1)));
  const takes = positive.length ? picomatch(positive, OPTIONS) : () => true;
  const drops = negative.length ? picomatch(negative, OPTIONS) : () => false;
  return (path) => takes(path) && !drops(path);
}

/** Files under `root`, as POSIX paths relative to it; .git and node_modules skipped. */
async function* filesUnder(root: string, directory = root): AsyncGenerator<string> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.name === '.git' || entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* filesUnder(root, path);
    else if (entry.isFile()) yield relative(root, path).split(sep).join('/');
  }
}

/** Files under `root` (POSIX paths relative to it) matching the globs, in natural order (as a walk); .git and node_modules skipped. */
export async function expandGlobs(root: string, include: string[], exclude: string[] = []): Promise<string[]> {
  const wanted = globMatcher(include);
  const unwanted = globMatcher(exclude);
  const found: string[] = [];
  for await (const path of filesUnder(root)) if (wanted(path) && !unwanted(path)) found.push(path);
  return found.sort(naturalCompare);
}

/**
 * The globs (not `!globs`) that match no file under `root`: most likely a typo, which would
 * otherwise select or leave out nothing in silence. The walk stops once every glob has matched.
 */
export async function unmatchedGlobs(root: string, globs: readonly string[], skip: (path: string) => boolean = () => false): Promise<string[]> {
  checkShapes(globs);
  const pending = new Map(globs.filter((glob) => !isNegated(glob)).map((glob) => [glob, picomatch(bare(glob), OPTIONS)] as const));
  if (pending.size === 0) return [];
  for await (const path of filesUnder(root)) {
    if (skip(path)) continue;
    for (const [glob, test] of pending) if (test(path)) pending.delete(glob);
    if (pending.size === 0) break;
  }
  return [...pending.keys()];
}
