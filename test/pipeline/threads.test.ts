/**
 * Issue 15: the run's plan decides the threads from what is known up front. One named document
 * is verified on the main thread alone; a walk starts the reading thread only when it reaches
 * READER_AFTER documents (counted before the run starts), and the thread then reads all of them. Counted with threadsStarted(), in the built CLI run in-process
 * (threads run only from dist/: `npm run build` first, as `npm test` does).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.js';

type Main = typeof import('../../src/cli/main.js');
type Run = typeof import('../../src/pipeline/run.js');
const { run } = (await import(new URL('../../dist/cli/main.js', import.meta.url).href)) as Main;
const { threadsStarted, READER_AFTER } = (await import(new URL('../../dist/pipeline/run.js', import.meta.url).href)) as Run;

/** Runs `pledge ARGS` in this process; returns its exit code and how many threads it started. */
async function threadsOf(args: string[]): Promise<{ code: number; threads: number; stdout: string }> {
  let stdout = '';
  const sink = (into: (chunk: string) => void) => new Writable({ write: (chunk, _encoding, done) => (into(String(chunk)), done()) });
  const before = threadsStarted();
  const code = await run(['node', 'pledge', ...args], { stdout: sink((chunk) => (stdout += chunk)), stderr: sink(() => undefined), env: { NO_COLOR: '1' }, cwd: REPO });
  return { code, threads: threadsStarted() - before, stdout };
}

function folderOf(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-threads-'));
  for (let n = 0; n < count; n++) writeFileSync(join(dir, `s${n}.txt`), `statement ${n}\n`);
  return dir;
}

describe('threads a run starts', () => {
  it('pledge verify --offline --keyring examples/keys examples/signed-post.md: none', async () => {
    const result = await threadsOf(['verify', '--offline', '--keyring', 'examples/keys', 'examples/signed-post.md']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('signed-post.md');
    expect(result.threads).toBe(0);
  });

  it('the same in every format that collects the manifest first, and with --jobs 2: none', async () => {
    for (const args of [
      ['--format', 'junit'],
      ['--format', 'markdown'],
      ['--jobs', '2'],
    ]) {
      const result = await threadsOf(['verify', '--offline', '--keyring', 'examples/keys', ...args, 'examples/signed-post.md']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.threads, args.join(' ')).toBe(0);
    }
  });

  it('a folder of fewer than READER_AFTER documents: none', async () => {
    const result = await threadsOf(['verify', '--offline', '--keyring', 'examples/keys', '--json', folderOf(5)]);
    expect(JSON.parse(result.stdout).documents).toHaveLength(5);
    expect(result.threads).toBe(0);
  });

  it('the boundary: READER_AFTER - 1 documents start none, READER_AFTER start the reading thread', async () => {
    for (const [count, threads] of [
      [READER_AFTER - 1, 0],
      [READER_AFTER, 1],
    ] as const) {
      const result = await threadsOf(['verify', '--offline', '--keyring', 'examples/keys', '--json', folderOf(count)]);
      expect(JSON.parse(result.stdout).documents, String(count)).toHaveLength(count);
      expect(result.threads, String(count)).toBe(threads);
    }
  });

  it('control: a folder of more: the reading thread takes over the walk, and every document is there once, in order', async () => {
    const count = READER_AFTER + 50;
    const result = await threadsOf(['verify', '--offline', '--keyring', 'examples/keys', '--json', folderOf(count)]);
    const paths = (JSON.parse(result.stdout).documents as { path: string }[]).map((document) => document.path.replace(/.*\//, ''));
    expect(paths).toEqual(Array.from({ length: count }, (_, n) => `s${n}.txt`).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    expect(result.threads).toBe(1);
  });
});
