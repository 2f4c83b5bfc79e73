/**
 * Issue 14 for inline-signed messages: the progress line on a terminal counts each signature of
 * an inline message (BEGIN PGP MESSAGE) as it counts a cleartext block's. util-linux script(1)
 * gives the built CLI a terminal, as in test/cli/batch.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

const TEXT = 'We, Alice and Bob, back the canary.\n';
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.warn('skipping inline progress tests: util-linux script(1) is missing, so no terminal can be given');

let dir: string;
let signers: TestSigner[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-inline-progress-'));
  signers = [await createSigner('Alice <alice@example.org>'), await createSigner('Bob <bob@example.org>')];
  writeFileSync(join(dir, 'keys.asc'), signers.map((signer) => signer.armoredPublicKey).join('\n'));
});

/** The built CLI's stderr on a terminal, verifying the one file. */
function progressOnTerminal(file: string): string {
  const args = ['verify', '--offline', '--no-cache', '--keyring', join(dir, 'keys.asc'), file];
  const command = [process.execPath, join(REPO, 'bin/pledge.cjs'), ...args].map((arg) => `'${arg}'`).join(' ');
  return spawnSync('script', ['-qec', `${command} > /dev/null`, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } }).stdout;
}

describe.skipIf(!hasScript)('progress on a terminal for an inline message', () => {
  it('counts both signatures of a message signed by two keys, each verified', async () => {
    const message = await openpgp.createMessage({ text: TEXT });
    const armored = await openpgp.sign({ message, signingKeys: signers.map((signer) => signer.privateKey), format: 'armored' });
    writeFileSync(join(dir, 'inline.md'), `# Canary\n\n${armored}`);
    expect(progressOnTerminal(join(dir, 'inline.md'))).toMatch(/1(\/1)? files · 2 signatures \(2 verified\)/);
  });

  it('control: a cleartext block signed by the same two keys gives the same count', async () => {
    writeFileSync(join(dir, 'cleartext.md'), `# Canary\n\n${await clearsign(TEXT, signers)}`);
    expect(progressOnTerminal(join(dir, 'cleartext.md'))).toMatch(/1(\/1)? files · 2 signatures \(2 verified\)/);
  });
});
