import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { unmatchedGlobs } from '../core/glob.js';
import type { LoadedConfig } from '../repo/load-config.js';
import type { CommandContext } from './context.js';

/**
 * A glob that matches no file selects or leaves out nothing, in silence: most likely a typo.
 * Each is a warning on stderr naming it: the config's `documents` and `exclude` globs, under the
 * repository; --include and --exclude, under the folders named (matching in any one is enough).
 */
export async function warnUnmatchedGlobs(paths: string[], options: { include?: string[]; exclude?: string[] }, loaded: LoadedConfig | null, context: CommandContext): Promise<void> {
  const warn = (what: string, glob: string, where: string) => context.streams.stderr.write(`pledge: warning: ${what} ${glob} matches no file ${where}\n`);
  if (loaded) {
    const name = basename(loaded.path);
    for (const glob of await unmatchedGlobs(loaded.root, loaded.config.documents)) warn(`${name}: documents glob`, glob, 'in the repository');
    for (const glob of await unmatchedGlobs(loaded.root, loaded.config.exclude ?? [])) warn(`${name}: exclude glob`, glob, 'in the repository');
    return;
  }
  const globs = [...(options.include ?? []).map((glob) => ['--include', glob] as const), ...(options.exclude ?? []).map((glob) => ['--exclude', glob] as const)];
  if (!globs.length) return;
  const folders: string[] = [];
  for (const path of paths) if ((await stat(resolve(context.streams.cwd, path)).catch(() => null))?.isDirectory()) folders.push(path);
  if (!folders.length) return;
  let unmatched = new Set(globs.map(([, glob]) => glob));
  for (const folder of folders) {
    const here = new Set(await unmatchedGlobs(resolve(context.streams.cwd, folder), [...unmatched]));
    unmatched = new Set([...unmatched].filter((glob) => here.has(glob)));
  }
  for (const [option, glob] of globs) if (unmatched.has(glob)) warn(option, glob, `in ${folders.join(', ')}`);
}
