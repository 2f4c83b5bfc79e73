/**
 * Issue 20 #8: progress where people look, and the wait for one key within one --timeout.
 * The line is rendered by a pure function (cut to the terminal's width, erased whole); a run
 * whose stderr is not a terminal prints none. Sources stalled on loopback show that the second
 * source is not asked once the first has spent the key's deadline.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitLine, lookupLine } from '../../src/cli/progress.js';
import { respondAfter, startServer, textReply, type TestServer } from '../helpers/http-server.js';
import { runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner } from '../helpers/sign.js';

const servers: TestServer[] = [];
afterAll(async () => Promise.all(servers.map((server) => server.close())));

async function oneUnknownSigner(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-progress-'));
  writeFileSync(join(dir, 'a.txt'), await clearsign('statement\n', [await createSigner('Nobody <nobody@example.org>')]));
  return dir;
}

describe('the progress line', () => {
  it('names the key, the host and the source\'s place: "looking up 1E62… on keys.openpgp.org (2/5)"', () => {
    expect(lookupLine({ source: 'vks', query: '1E62A0B3C4D5E6F708192A3B4C5D6E7F80912345', host: 'keys.openpgp.org', position: 2, of: 5 })).toBe('looking up 1E62A0B3… on keys.openpgp.org (2/5)');
  });

  it('is cut to the width and erases the whole line first: a 105-character line at 80 columns stays one row', () => {
    const line = fitLine('x'.repeat(105), 80);
    expect(line.startsWith('\r\x1b[2K')).toBe(true);
    expect(line.slice('\r\x1b[2K'.length)).toHaveLength(79);
    expect(line.slice('\r\x1b[2K'.length).endsWith('…')).toBe(true);
  });

  it('shows what a document claims only as safe, single-width text: escapes and wide characters cannot reach the terminal raw', () => {
    const line = lookupLine({ source: 'wkd', query: 'evil\x1b[2J\u202e全@example.org', host: 'openpgpkey.example.org', position: 1, of: 1 });
    expect(line).not.toMatch(/[^\x20-\x7e…]/);
    expect(fitLine(line, 40).slice('\r\x1b[2K'.length).length).toBeLessThanOrEqual(39);
  });

  it('control: a short line is kept whole', () => {
    expect(fitLine('3/10 files', 80)).toBe('\r\x1b[2K3/10 files');
  });

  it('is never printed when stderr is not a terminal, network lookups included', async () => {
    const empty = await startServer(() => textReply(404, 'no'));
    servers.push(empty);
    const result = await runCli(['verify', '--sources', 'vks', '--vks-url', empty.origin, '--no-cache', await oneUnknownSigner()]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('\x1b[2K');
    expect(result.stderr).not.toContain('looking up');
  });
});

describe('the wait for one key (issue 20 #8)', () => {
  const run = async (first: TestServer, second: TestServer) => {
    const keyservers = [first, second].flatMap((server) => ['--keyserver', `hkp://${new URL(server.origin).host}`]);
    return runCli(['verify', '--json', '--sources', 'hkp', ...keyservers, '--timeout', '1', '--no-cache', await oneUnknownSigner()]);
  };

  it('stays within one --timeout: the second source is not asked once the first has spent it; the lookups say so', async () => {
    const stalled = await startServer(() => respondAfter(10_000, textReply(404, 'late')));
    const next = await startServer(() => respondAfter(10_000, textReply(404, 'late')));
    servers.push(stalled, next);
    const result = await run(stalled, next);
    expect(result.code).toBe(3);
    expect(stalled.requests.length).toBe(1);
    expect(next.requests.length).toBe(0);
    const codes = JSON.parse(result.stdout).lookups.map((lookup: { code: string | null }) => lookup.code);
    expect(codes).toEqual(['network-timeout', 'key-deadline']);
  });

  it('control: a first source that answers at once leaves the second the rest of the deadline, and it is asked', async () => {
    const quick = await startServer(() => textReply(404, 'no'));
    const next = await startServer(() => textReply(404, 'no'));
    servers.push(quick, next);
    const result = await run(quick, next);
    expect(result.code).toBe(1);
    expect(quick.requests.length).toBe(1);
    expect(next.requests.length).toBe(1);
  });
});
