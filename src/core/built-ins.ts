import { createRequire } from 'node:module';

/*
 * Node's built-in modules that only some runs use, required on first use rather than when the
 * bundle loads: each costs a start-up about 0.5–1 ms (issue 15), and a one-document verify
 * spawns nothing, inflates nothing, resolves no name and asks nothing.
 * Types come from `typeof import()`, which loads nothing.
 */
const require = createRequire(import.meta.url);

function onFirstUse<T>(name: string): () => T {
  let module: T | undefined;
  return () => (module ??= require(name) as T);
}

export const childProcess = onFirstUse<typeof import('node:child_process')>('node:child_process');
export const dns = onFirstUse<typeof import('node:dns')>('node:dns');
export const readline = onFirstUse<typeof import('node:readline/promises')>('node:readline/promises');
export const zlib = onFirstUse<typeof import('node:zlib')>('node:zlib');
