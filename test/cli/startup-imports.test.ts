import { readFileSync } from 'node:fs';
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
});
