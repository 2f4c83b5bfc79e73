import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** pledge's own version (package.json), as the manifest's generator names it. */
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
