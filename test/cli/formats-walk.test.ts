/**
 * Issue 13 #1: every --format goes through the one runner, so every option reaches it. Once
 * junit, github and markdown went another way: `--exclude b.md --format junit` verified b.md,
 * and Ctrl-C never reached the run. Runs the built CLI.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respondAfter, startServer, type TestServer } from '../helpers/http-server.js';
import { runCli, startCli } from '../helpers/run-cli.js';
import { clearsign, createSigner } from '../helpers/sign.js';

const FORMATS = ['human', 'json', 'junit', 'github', 'markdown'] as const;

let dir: string;
let keyFile: string;
const servers: TestServer[] = [];
afterAll(async () => Promise.all(servers.map((server) => server.close())));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-formats-'));
  const alice = await createSigner('Alice <alice@example.org>');
  keyFile = join(mkdtempSync(join(tmpdir(), 'pledge-formats-key-')), 'alice.asc');
  writeFileSync(keyFile, alice.armoredPublicKey);
  writeFileSync(join(dir, 'a.md'), await clearsign('I sign a.\n', [alice]));
  // Not signed: every format reports it, as a failure (exit 1), when it is verified.
  writeFileSync(join(dir, 'b.md'), 'nobody signed this\n');
});

describe.each(FORMATS)('--format %s', (format) => {
  const verify = (...args: string[]) => runCli(['verify', '--offline', '--keyring', keyFile, '--format', format, ...args, dir]);

  it('control: without a filter, b.md is verified and reported (exit 1)', async () => {
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('b.md');
  });

  it('--exclude b.md: only a.md is verified (exit 0), b.md appears nowhere', async () => {
    const result = await verify('--exclude', 'b.md');
    expect(result.stderr).not.toContain('b.md');
    expect(result.stdout).not.toContain('b.md');
    expect(result.code).toBe(0);
  });

  it('--include a.md: the same', async () => {
    const result = await verify('--include', 'a.md');
    expect(result.stdout).not.toContain('b.md');
    expect(result.code).toBe(0);
  });

  /** Runs until its one lookup has gone out to a server that never answers, then sends SIGTERM. */
  async function interrupted(args: (vks: string) => string[]): Promise<{ code: number | null; stderr: string; stdout: string; written: string[] }> {
    const silent = await startServer(() => respondAfter(60_000, { status: 404 }));
    servers.push(silent);
    const out = mkdtempSync(join(tmpdir(), 'pledge-formats-out-'));
    const { child, done } = startCli(['verify', '--format', format, '--manifest', join(out, 'manifest.json'), ...args(silent.origin)]);
    while (silent.requests.length === 0) await sleep(25);
    child.kill('SIGTERM');
    const result = await done;
    return { ...result, written: readdirSync(out) };
  }
  const unknownSigned = async () => clearsign('statement\n', [await createSigner('Unknown <unknown@example.org>')]);

  it('is interrupted by SIGTERM during a lookup that never answers: exit 143, no report, no manifest', async () => {
    const docs = mkdtempSync(join(tmpdir(), 'pledge-formats-stuck-'));
    writeFileSync(join(docs, 'a.txt'), await unknownSigned());
    const result = await interrupted((vks) => ['--sources', 'vks', '--vks-url', vks, '--timeout', '60', '--no-cache', docs]);
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('interrupted');
    // The streaming JSON may have opened its object; no format says anything of the document.
    expect(result.stdout).not.toContain('a.txt');
    expect(result.written).toEqual([]);
  });

  it('a signers repository is interrupted the same way', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'pledge-formats-repo-'));
    mkdirSync(join(repo, '_signatures'));
    writeFileSync(join(repo, '_signatures', 'a.md'), await unknownSigned());
    writeFileSync(join(repo, 'pledge.config.json'), JSON.stringify({ documents: ['_signatures/*.md'] }));
    const result = await interrupted((vks) => ['--config', join(repo, 'pledge.config.json'), '--sources', 'vks', '--vks-url', vks, '--timeout', '60', '--no-cache']);
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('interrupted');
    expect(result.stdout).not.toContain('a.md');
    expect(result.written).toEqual([]);
  });
});
