/**
 * Issue 20 #5: nothing spins and a signal always ends the process. `--cache-dir /proc/x` once
 * hung for good (Node's recursive mkdir never settles there); SIGTERM ends a run with 143 as
 * Ctrl-C does with 130, even when a read is stuck in the kernel. Runs the built CLI.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyCache } from '../../src/discovery/key-cache.js';
import { readAllKeys } from '../../src/discovery/read-keys.js';
import { respondAfter, startServer, type TestServer } from '../helpers/http-server.js';
import { REPO, runCli, startCli } from '../helpers/run-cli.js';
import { clearsign, createSigner } from '../helpers/sign.js';

const KEYS = join(REPO, 'examples/keys');
const POST = join(REPO, 'examples/signed-post.md');
/** Where a plain mkdir fails at once and Node's recursive one never returns. */
const PROC_DIR = '/proc/pledge-cannot-be-here';
const noProc = existsSync('/proc/self') ? undefined : 'no /proc on this system';
if (noProc) console.warn(`/proc tests skipped: ${noProc}`);

const servers: TestServer[] = [];
afterAll(async () => Promise.all(servers.map((server) => server.close())));

/** Waits until `ready()` holds, polling; the test's own timeout bounds it. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await sleep(25);
}

describe('a cache folder that cannot be made', () => {
  it.skipIf(noProc !== undefined)(`--cache-dir ${PROC_DIR}: exit 2 naming the path, before any work`, async () => {
    const result = await runCli(['verify', '--offline', '--keyring', KEYS, '--cache-dir', PROC_DIR, POST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`pledge: --cache-dir ${PROC_DIR}: cannot create the folder ${PROC_DIR} (ENOENT)\n`);
    expect(result.stdout).toBe('');
  });

  it.skipIf(noProc !== undefined)('the key cache writing under /proc fails at once instead of never settling', async () => {
    const { keys } = await readAllKeys(new TextEncoder().encode((await createSigner()).armoredPublicKey));
    const cache = new KeyCache(join(PROC_DIR, 'pledge'));
    await expect(cache.put({ key: keys[0]!, source: 'vks' }, new Date())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('control: a cache folder that does not exist yet is created, and the run goes on', async () => {
    const cache = join(mkdtempSync(join(tmpdir(), 'pledge-signals-')), 'deeper', 'cache');
    const result = await runCli(['verify', '--offline', '--keyring', KEYS, '--cache-dir', cache, POST]);
    expect(result.code).toBe(0);
    expect(existsSync(cache)).toBe(true);
  });
});

describe('a FIFO named as a document', () => {
  it('is refused at once as not a regular file (exit 2), not waited on for a writer', async () => {
    if (process.platform === 'win32') return;
    const fifo = join(mkdtempSync(join(tmpdir(), 'pledge-signals-fifo-')), 'post.md');
    execFileSync('mkfifo', [fifo]);
    const result = await runCli(['verify', '--offline', '--keyring', KEYS, fifo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('post.md: unreadable: not a regular file');
  });
});

describe('SIGTERM', () => {
  it('during a lookup on a server that never answers: the run stops, exits 143 and leaves no manifest', async () => {
    const silent = await startServer(() => respondAfter(60_000, { status: 404 }));
    servers.push(silent);
    const dir = mkdtempSync(join(tmpdir(), 'pledge-signals-docs-'));
    writeFileSync(join(dir, 'a.txt'), await clearsign('statement\n', [await createSigner('Unknown <unknown@example.org>')]));
    const out = mkdtempSync(join(tmpdir(), 'pledge-signals-out-'));
    const { child, done } = startCli(['verify', '--manifest', join(out, 'manifest.json'), '--sources', 'vks', '--vks-url', silent.origin, '--timeout', '60', '--no-cache', dir]);
    await until(() => silent.requests.length > 0);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('interrupted');
    expect(readdirSync(out)).toEqual([]);
  });

  it('while a read is stuck in the kernel (a FIFO no one writes to): the process still ends, by SIGTERM', async () => {
    if (process.platform === 'win32') return;
    const fifo = join(mkdtempSync(join(tmpdir(), 'pledge-signals-fifo-')), 'committed.json');
    execFileSync('mkfifo', [fifo]);
    const { child, done } = startCli(['verify', '--offline', '--keyring', KEYS, '--check-manifest', fifo, POST]);
    // Opening for writing succeeds only once pledge has it open for reading; nothing is written.
    let writer: number | null = null;
    await until(() => {
      try {
        writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        return true;
      } catch {
        return false;
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.kill('SIGTERM');
    const result = await done;
    clearTimeout(killer);
    closeSync(writer!);
    expect(result.signal === 'SIGTERM' || result.code === 143, `ended by ${result.signal ?? result.code}`).toBe(true);
  });
});
