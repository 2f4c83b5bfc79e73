import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/run-cli.js';

/**
 * Data flows one way: document → blocks → cleartext → keys → verdicts → manifest → reports,
 * sequenced by the pipeline and driven by the CLI. A module may import only from its own layer
 * or the layers before it. `openpgp` is the adapter to openpgp.js, the one layer that imports it.
 */
const LAYERS = ['core', 'openpgp', 'extract', 'cleartext', 'discovery', 'verify', 'report', 'repo', 'pipeline', 'sign', 'cli'];
const SRC = join(REPO, 'src');

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const layerOf = (path: string) => path.split('/')[0]!;
const imports = (text: string) => [...text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((match) => match[1]!);
/** Imports that bring code at run time (a type-only import, such as chalk's ChalkInstance, does not). */
const runtimeImports = (text: string) => [...text.matchAll(/^(?:import|export)(?! type )[^'"]*from '([^']+)'/gm)].map((match) => match[1]!);

/** The modules each source imports (type-only imports too: a cycle of types is still two modules that cannot be read apart). */
const graph = new Map(
  files.map((file) => [
    file.path,
    imports(file.text)
      .filter((t) => t.startsWith('.'))
      .map((t) => relative(SRC, join(SRC, file.path, '..', t)).replace(/\.js$/, '.ts')),
  ]),
);

/** Every import cycle in a module graph, each once, as the path that closes it (a → b → a). */
function importCycles(modules: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (module: string) => {
    state.set(module, 'open');
    stack.push(module);
    for (const target of modules.get(module) ?? []) {
      if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target].join(' → '));
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(module, 'done');
  };
  for (const module of [...modules.keys()].sort()) if (!state.has(module)) visit(module);
  return cycles;
}

describe('architecture', () => {
  it('has no import cycle among the modules of src/ (issue 13: a thread protocol lives beside its two ends)', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('control: the cycle check finds a cycle, such as the reader and its thread importing each other', () => {
    const cyclic = new Map([
      ['pipeline/run.ts', ['pipeline/document-reader.ts']],
      ['pipeline/document-reader.ts', ['pipeline/read-worker.ts']],
      ['pipeline/read-worker.ts', ['pipeline/document-reader.ts', 'core/limits.ts']],
    ]);
    expect(importCycles(cyclic)).toEqual(['pipeline/document-reader.ts → pipeline/read-worker.ts → pipeline/document-reader.ts']);
    expect(
      importCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('imports only from the same or an earlier layer', () => {
    const upward: string[] = [];
    for (const file of files.filter((f) => f.path.includes('/'))) {
      const own = LAYERS.indexOf(layerOf(file.path));
      for (const target of imports(file.text).filter((t) => t.startsWith('.'))) {
        const resolved = relative(SRC, join(SRC, file.path, '..', target));
        const layer = LAYERS.indexOf(layerOf(resolved));
        if (layer > own) upward.push(`${file.path} → ${resolved}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps undici in the HTTP client, commander and chalk in the CLI, and the process in the CLI', () => {
    const offenders = (test: (file: { path: string; text: string }) => boolean) => files.filter(test).map((file) => file.path);
    expect(offenders((f) => imports(f.text).includes('undici'))).toEqual(['discovery/http-client.ts']);
    expect(offenders((f) => runtimeImports(f.text).some((t) => t === 'commander' || t === 'chalk') && !f.path.startsWith('cli/'))).toEqual([]);
    const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(offenders((f) => /\bprocess\.(exit|argv|env|stdout|stderr|on|cwd)\b/.test(code(f.text)) && !f.path.startsWith('cli/'))).toEqual([]);
  });

  it('imports openpgp.js, and reaches into its internals, only in the adapter src/openpgp/', () => {
    const outside = files.filter((f) => !f.path.startsWith('openpgp/'));
    // Any import of the package or one of its entry points or files (openpgp/lightweight, openpgp/dist/...).
    expect(outside.filter((f) => imports(f.text).some((t) => t === 'openpgp' || t.startsWith('openpgp/'))).map((f) => f.path)).toEqual([]);
    expect(outside.filter((f) => /\bimport\(\s*['"]openpgp/.test(f.text)).map((f) => f.path)).toEqual([]);
    // Casts that silence openpgp.js's types, and the private fields and symbol pledge relies on.
    const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const internals = /\bas never\b|\bas unknown as\b|\bdirectSignatures\b|\brawNotations\b|\bkeyExpirationTime\b|getOwnPropertySymbols|\.toHash\(/;
    expect(outside.filter((f) => internals.test(code(f.text))).map((f) => f.path)).toEqual([]);
  });

  it('never runs GnuPG or Sequoia to verify: pledge is not a wrapper (threat catalogue O-03)', () => {
    // Only `pledge sign` hands the signing to the signer's own tool (it never reads a secret key);
    // nothing on the verification path may reach that module. core/built-ins.ts only loads
    // node:child_process for its callers, on first use (issue 15): the callers are what is pinned.
    const spawners = files.filter((f) => /child_process|\bchildProcess\b/.test(f.text)).map((f) => f.path);
    expect(spawners).toEqual(['core/built-ins.ts', 'repo/git-changes.ts', 'sign/signing-tool.ts']);
    const reachSign = files.filter((f) => !f.path.startsWith('sign/') && imports(f.text).some((t) => t.includes('sign/signing-tool'))).map((f) => f.path);
    expect(reachSign).toEqual(['cli/commands/sign.ts']);
  });
});
