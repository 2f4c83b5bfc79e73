import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner } from '../helpers/sign.js';

/** `pledge bundle`: evidence that outlives the tool, re-verified with gpgv alone. */
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-bundle-'));
  const ada = await createSigner('Ada <ada@example.org>');
  mkdirSync(join(dir, 'posts'));
  writeFileSync(
    join(dir, 'posts/pledge.md'),
    `---\ntitle: Pledge\n---\n\n> quoted\n\n${(await clearsign('I commit.', [ada]))
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n')}\n`,
  );
  writeFileSync(join(dir, 'ada.asc'), ada.armoredPublicKey);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gpgv = (bundle: string, block: string) => {
  const home = mkdtempSync(join(dir, 'gpgv-home-'));
  return spawnSync('gpgv', ['--homedir', home, '--keyring', join(bundle, 'keys/keyring.gpg'), join(bundle, block)], { encoding: 'utf8' });
};

describe('pledge bundle', () => {
  it('writes documents, blocks, keys and the manifest, and gpgv alone re-verifies every block', async () => {
    expect((await runCli(['verify', '--offline', '--no-cache', '--keyring', 'ada.asc', '--manifest', 'm.json', 'posts/pledge.md'], {}, dir)).code).toBe(0);
    const result = await runCli(['bundle', '--no-cache', '--manifest', 'm.json', '--keyring', 'ada.asc', '-o', 'evidence'], {}, dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const evidence = join(dir, 'evidence');
    expect(readFileSync(join(evidence, 'documents/posts/pledge.md'), 'utf8')).toBe(readFileSync(join(dir, 'posts/pledge.md'), 'utf8'));
    expect(JSON.parse(readFileSync(join(evidence, 'manifest.json'), 'utf8')).documents[0].path).toBe('posts/pledge.md');
    const readme = readFileSync(join(evidence, 'README.md'), 'utf8');
    expect(readme).toContain('gpgv --keyring ./keys/keyring.gpg blocks/posts/pledge.md.1.asc');
    const checked = gpgv(evidence, 'blocks/posts/pledge.md.1.asc');
    expect(checked.stderr).toContain('Good signature');
    expect(checked.status).toBe(0);
    // And pledge, from the bundle alone.
    const again = await runCli(['verify', '--no-cache', '--no-config', '--keyring', '../keys/', '--against', '../manifest.json', 'posts/pledge.md'], {}, join(evidence, 'documents'));
    expect(again.stdout).toContain('same verdict      posts/pledge.md: verified');
    expect(again.code).toBe(0);
  });

  it('control: gpgv refuses a block whose signed text was changed', async () => {
    const evidence = join(dir, 'evidence');
    const block = join(evidence, 'blocks/posts/pledge.md.1.asc');
    writeFileSync(join(evidence, 'blocks/tampered.asc'), readFileSync(block, 'utf8').replace('I commit.', 'I commit not.'));
    const checked = gpgv(evidence, 'blocks/tampered.asc');
    expect(checked.status).not.toBe(0);
    expect(checked.stderr).toContain('BAD signature');
  });
});
