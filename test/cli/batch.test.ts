import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDocuments } from '../../src/pipeline/run.js';
import { respondAfter, startServer, type TestServer } from '../helpers/http-server.js';
import { REPO, runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner } from '../helpers/sign.js';

/** Folders of statements: walking, streaming output, and stopping cleanly. */
let dir: string;
let keyFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-batch-'));
  const signer = await createSigner('Batch <batch@example.org>');
  keyFile = join(mkdtempSync(join(tmpdir(), 'pledge-batch-keys-')), 'batch.asc');
  writeFileSync(keyFile, signer.armoredPublicKey);
  mkdirSync(join(dir, 'signed/deeper'), { recursive: true });
  mkdirSync(join(dir, 'node_modules/pkg'), { recursive: true });
  mkdirSync(join(dir, '.hidden'), { recursive: true });
  mkdirSync(join(dir, 'build'), { recursive: true });
  for (let n = 0; n < 40; n++) {
    const folder = n % 2 ? 'signed' : 'signed/deeper';
    writeFileSync(join(dir, folder, `statement-${String(n).padStart(2, '0')}.md`), await clearsign(`Statement ${n}.\n`, [signer]));
  }
  writeFileSync(join(dir, 'signed/notes.txt'), 'not a statement');
  writeFileSync(join(dir, 'node_modules/pkg/x.md'), 'ignored');
  writeFileSync(join(dir, '.hidden/x.md'), 'ignored');
  writeFileSync(join(dir, 'build/x.md'), 'ignored by .gitignore');
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
});

describe('pledge verify on folders', () => {
  it('walks recursively, skips hidden folders, node_modules and .gitignore, and applies --include/--exclude', async () => {
    const result = await runCli(['verify', '--offline', '--json', '--keyring', keyFile, '--include', '**/*.md', '--exclude', 'signed/deeper/statement-0*.md', dir]);
    const manifest = JSON.parse(result.stdout);
    const paths = manifest.documents.map((d: { path: string }) => d.path.slice(dir.length + 1));
    expect(paths).toHaveLength(35);
    expect(paths.every((p: string) => p.startsWith('signed/') && p.endsWith('.md'))).toBe(true);
    expect(paths).not.toContain('signed/deeper/statement-00.md');
    expect(paths).toContain('signed/deeper/statement-10.md');
    expect(result.code).toBe(0);
    const all = JSON.parse((await runCli(['verify', '--offline', '--json', '--no-gitignore', '--keyring', keyFile, dir])).stdout);
    expect(all.documents.map((d: { path: string }) => d.path.slice(dir.length + 1))).toContain('build/x.md');
  });

  it('gives the same manifest with worker threads as without', async () => {
    const single = await runCli(['verify', '--offline', '--json', '--jobs', '1', '--keyring', keyFile, dir]);
    const threaded = await runCli(['verify', '--offline', '--json', '--jobs', '2', '--workers-after', '3', '--keyring', keyFile, dir]);
    expect(threaded.code).toBe(single.code);
    expect(threaded.stdout).toBe(single.stdout);
  });

  it('shows progress on stderr only on a terminal and never with --quiet', async () => {
    const args = ['verify', '--offline', '--json', '--keyring', keyFile, dir];
    const piped = await runCli(args);
    // Piped: no progress; only the one-line verdict of a failed run (issue 20: errors where people look).
    expect(piped.stderr).not.toContain('files ·');
    expect(
      piped.stderr
        .split('\n')
        .filter(Boolean)
        .every((line) => /^pledge: \d+ of \d+ documents failed: /.test(line)),
    ).toBe(true);
    // util-linux script(1) gives the command a terminal; skipped where it is missing.
    if (spawnSync('script', ['--version']).status !== 0) return;
    const command = [process.execPath, join(REPO, 'bin/pledge.cjs'), ...args].map((arg) => `'${arg}'`).join(' ');
    const onTerminal = spawnSync('script', ['-qec', `${command} > /dev/null`, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(onTerminal.stdout).toMatch(/\d+\/\d+ files · \d+ signatures \(\d+ verified\) · \d+\/s/);
    const quiet = spawnSync('script', ['-qec', `${command} --quiet > /dev/null`, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(quiet.stdout).not.toContain('files ·');
  });

  it('exits at once on a --keyring it cannot read, though the reading thread is waiting for room', async () => {
    // More files than the read-ahead window (document-reader.ts), so the thread blocks before the error.
    const many = mkdtempSync(join(tmpdir(), 'pledge-batch-many-'));
    for (let n = 0; n < 400; n++) writeFileSync(join(many, `note-${n}.txt`), 'not signed\n');
    const child = spawn(process.execPath, [join(REPO, 'bin/pledge.cjs'), 'verify', '--offline', '--keyring', join(many, 'missing.asc'), many], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code, 'the process must end by itself').toBe(2);
    expect(stderr).toContain('missing.asc: no such file or directory');
  });

  it('streams a manifest identical to the one built in memory', async () => {
    const streamed = (await runCli(['verify', '--offline', '--json', '--keyring', keyFile, '--include', '**/*.md', dir])).stdout;
    const built = await verifyDocuments({ paths: [dir], keyrings: [keyFile], version: JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version, collect: { include: ['**/*.md'] } });
    expect(streamed).toBe(JSON.stringify(built, null, 2) + '\n');
  });

  describe('when interrupted with Ctrl-C', () => {
    let slow: TestServer;
    beforeAll(async () => {
      slow = await startServer(() => respondAfter(30_000, { status: 404 }));
    });
    afterAll(() => slow.close());

    it('stops within a moment, exits 130 and leaves no manifest file, not even a partial one', async () => {
      const out = mkdtempSync(join(tmpdir(), 'pledge-interrupt-'));
      const manifest = join(out, 'manifest.json');
      // Keys only on a server that never answers, so the run is still going when Ctrl-C comes.
      const child = spawn(process.execPath, [join(REPO, 'bin/pledge.cjs'), 'verify', '--manifest', manifest, '--sources', 'vks', '--vks-url', slow.origin, '--timeout', '60', '--no-cache', dir], {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const started = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(code).toBe(130);
      expect(stderr).toContain('interrupted');
      expect(readdirSync(out)).toEqual([]);
    });
  });
});
