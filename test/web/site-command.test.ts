/** `pledge site` without a browser: its inputs, its output paths, and the same page for the same manifest. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.js';

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-site-cli-'));
  for (const part of ['pledge.config.json', 'keys', '_signatures']) cpSync(join(REPO, 'examples/signers-repo', part), join(dir, part), { recursive: true });
  cpSync(join(REPO, 'fixtures/signers-repo/remote'), join(dir, '_signatures'), { recursive: true }); // two signers that offline cannot verify
  await runCli(['manifest', '--offline', '--no-cache', '-o', 'signers.json'], {}, dir);
});

describe('pledge site', () => {
  it('writes the same page for the same manifest, to a folder or to a named .html file', async () => {
    expect((await runCli(['site', '--manifest', 'signers.json', '-o', 'a/'], {}, dir)).code).toBe(0);
    expect((await runCli(['site', '--manifest', 'signers.json', '-o', 'b/page.html'], {}, dir)).code).toBe(0);
    const page = readFileSync(join(dir, 'a', 'index.html'), 'utf8');
    expect(readFileSync(join(dir, 'b', 'page.html'), 'utf8')).toBe(page);
    expect(page).toContain('I, <em>[name]</em>, commit to the neveragain.tech pledge.');
    expect(page).toContain('<strong>3</strong> verified signers, from 5 files; 2 not (yet) verified and not listed.');
  });

  it('refuses a missing manifest and a file that is not one (exit 2, nothing written)', async () => {
    const missing = await runCli(['site', '--manifest', 'nope.json', '-o', 'c/'], {}, dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--manifest nope\.json: no such file/);
    writeFileSync(join(dir, 'other.json'), '{"name": "not a manifest"}');
    const other = await runCli(['site', '--manifest', 'other.json', '-o', 'c/'], {}, dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/not a pledge manifest/);
  });

  it('shows its examples in --help', async () => {
    const help = await runCli(['site', '--help']);
    expect(help.stdout).toContain('pledge site --manifest signers.json -o site/');
  });
});
