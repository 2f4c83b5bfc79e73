import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.js';

const SRC = join(REPO, 'src');
/** Static imports that bring code at run time; `import()` and `import type` bring none up front. */
const runtimeImports = (text: string) => [...text.matchAll(/^(?:import|export)(?! type )[^'"]*from '([^']+)'/gm)].map((match) => match[1]!);

/** Every module `entry` loads before any of its code runs: its static imports, followed through src/. */
function loadedBy(entry: string): { modules: string[]; packages: string[] } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const target of runtimeImports(readFileSync(join(SRC, file), 'utf8'))) {
      if (target.startsWith('.')) visit(relative(SRC, join(SRC, file, '..', target.replace(/\.js$/, '.ts'))));
      else if (!target.startsWith('node:')) packages.add(target);
    }
  };
  visit(entry);
  return { modules: [...modules].sort(), packages: [...packages].sort() };
}

describe('start-up', () => {
  it('loads only the option table to print --help or --version: no command, pipeline or openpgp.js (issue 15)', () => {
    const { modules, packages } = loadedBy('cli/main.ts');
    expect(packages).toEqual(['commander']);
    expect(modules.filter((module) => /^(cli\/commands|pipeline|verify|cleartext|extract|sign|repo)\//.test(module))).toEqual([]);
    expect(modules.filter((module) => module.startsWith('discovery/'))).toEqual(['discovery/source-names.ts']);
  });

  it('bundles the CLI so that every file it opens beside its code exists: the thread scripts, package.json, the schema', () => {
    // Built by `npm run build` (scripts/bundle.mjs). A thread script that is not found would not
    // fail: the run would quietly do the work on the main thread.
    const bundle = join(REPO, 'dist', 'bundle');
    const files = readdirSync(bundle).filter((name) => name.endsWith('.js'));
    const opened = files.flatMap((name) => [...readFileSync(join(bundle, name), 'utf8').matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)].map((match) => match[1]!));
    expect(opened).toEqual(expect.arrayContaining(['./reader-worker.js', './pool-worker.js', '../../package.json']));
    expect(opened.filter((target) => !existsSync(join(bundle, target)))).toEqual([]);
    expect(readFileSync(join(REPO, 'bin', 'pledge.cjs'), 'utf8')).toContain("import('../dist/bundle/pledge.js')");
  });
});
