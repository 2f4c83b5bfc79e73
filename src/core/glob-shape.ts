// Apart from glob.ts so that the option table (cli/program.ts) checks --include without loading picomatch.
/**
 * The shape of a glob picomatch is given. Its regular expression grows with the nesting of
 * groups, and matching a path against `!(!(!(…)))` 2,500 deep aborts the process as V8 compiles
 * it ("FATAL ERROR: RegExpCompiler Allocation failed"), which no catch stops; parsing
 * `+(+(…))` 3,300 deep takes minutes. A config's globs come from a repository, --include from
 * a command line: either may be anything. No real glob nears these.
 */
export const GLOB_LIMITS = { length: 4096, depth: 32, groups: 256 } as const;

/** Why a glob is refused (how deep it nests groups, how many it opens, its length), or null. */
export function globProblem(glob: string): string | null {
  let depth = 0;
  let deepest = 0;
  let groups = 0;
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index];
    if (char === '\\') {
      index++; // an escaped character opens nothing
    } else if (char === '(' || char === '{' || char === '[') {
      groups++;
      deepest = Math.max(deepest, ++depth);
    } else if ((char === ')' || char === '}' || char === ']') && depth > 0) depth--;
  }
  if (deepest > GLOB_LIMITS.depth) return `nests groups ${deepest} deep, over ${GLOB_LIMITS.depth}`;
  if (groups > GLOB_LIMITS.groups) return `opens ${groups} groups, over ${GLOB_LIMITS.groups}`;
  if (glob.length > GLOB_LIMITS.length) return `is ${glob.length} characters long, over ${GLOB_LIMITS.length}`;
  return null;
}

/** A glob as an error message shows it: a long one cut short. */
export const shownGlob = (glob: string) => JSON.stringify(glob.length > 60 ? `${glob.slice(0, 57)}…` : glob);
