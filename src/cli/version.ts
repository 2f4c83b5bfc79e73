import { readFileSync } from 'node:fs';

/** From package.json two folders up: dist/cli/ built by tsc, or dist/bundle/ built by esbuild. */
export function packageVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}
