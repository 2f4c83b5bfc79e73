/**
 * Issue 17: a GnuPG user's own keyring. `--keyring ~/.gnupg/pubring.kbx` and `--keyring
 * $GNUPGHOME` take the keybox gpg 2.2+ writes, read without gpg (src/discovery/keybox.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKeybox, keyboxKeyBlocks, KeyboxError } from '../../src/discovery/keybox.js';
import { packetFrameAt } from '../../src/core/packet-header.js';
import { runInProcess } from '../helpers/run-cli.js';

const HAVE_GPG = spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0;
const REQUIRE = process.env.PLEDGE_REQUIRE_ORACLES === '1';
const TEXT = 'I keep my key in GnuPG.\n';

describe.skipIf(!HAVE_GPG && !REQUIRE)(`GnuPG keyboxes${HAVE_GPG ? '' : ' (skipped: gpg is not installed)'}`, () => {
  let home: string;
  let post: string;
  let fingerprint: string;
  const gpg = (args: string[], input?: string) =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], ...(input === undefined ? {} : { input }) });

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'pledge-kbx-'));
    gpg(['--quick-gen-key', 'Keybox User <kbx@example.org>', 'ed25519', 'sign', 'never']);
    gpg(['--quick-gen-key', 'Other User <other@example.org>', 'ed25519', 'sign', 'never']);
    fingerprint = gpg(['--with-colons', '--list-keys', '<kbx@example.org>']).split('\n').find((line) => line.startsWith('fpr:'))!.split(':')[9]!;
    post = join(home, 'post.md');
    writeFileSync(post, `# Signed\n\n${gpg(['--local-user', 'kbx@example.org', '--clearsign'], TEXT)}`);
  });
  afterAll(() => void spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' }));

  it('gpg wrote a keybox: its key blocks are read, and its trust packets left out', () => {
    const bytes = readFileSync(join(home, 'pubring.kbx'));
    expect(isKeybox(bytes)).toBe(true);
    const blocks = keyboxKeyBlocks(bytes);
    expect(blocks).toHaveLength(2);
    // GnuPG 2.2 stores ring-trust packets (tag 12) in each key block; none is handed on.
    expect(bytes.includes(Buffer.from([0xb0, 0x0c]))).toBe(true);
    for (const block of blocks) {
      const tags: number[] = [];
      for (let offset = 0; offset < block.length; ) {
        const frame = packetFrameAt(block, offset)!;
        tags.push(frame.tag);
        offset = frame.end;
      }
      expect(tags[0]).toBe(6);
      expect(tags).not.toContain(12);
    }
  });

  for (const [what, keyring] of [
    ['the keybox file', () => join(home, 'pubring.kbx')],
    ['the GnuPG home folder', () => home],
  ] as const) {
    it(`verifies with -k on ${what}`, async () => {
      const result = await runInProcess(['verify', '--offline', '--no-cache', '--json', '-k', keyring(), post]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const signature = JSON.parse(result.stdout).documents[0].blocks[0].signatures[0];
      expect(signature).toMatchObject({ status: 'verified', primaryKeyFingerprint: fingerprint });
    });
  }

  it('reads a legacy home by its pubring.gpg, and never its trustdb.gpg', async () => {
    const legacy = mkdtempSync(join(tmpdir(), 'pledge-gnupg-legacy-'));
    writeFileSync(join(legacy, 'pubring.gpg'), execFileSync('gpg', ['--homedir', home, '--export', fingerprint]));
    writeFileSync(join(legacy, 'trustdb.gpg'), 'not a key: reading it would fail the run');
    const result = await runInProcess(['verify', '--offline', '--no-cache', '-k', legacy, post]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a home with a keybox reads it alone, not a stale legacy pubring.gpg beside it (as gpg 2.1+ does)', async () => {
    const both = mkdtempSync(join(tmpdir(), 'pledge-gnupg-both-'));
    copyFileSync(join(home, 'pubring.kbx'), join(both, 'pubring.kbx'));
    writeFileSync(join(both, 'pubring.gpg'), 'a stale legacy keyring that no longer parses');
    writeFileSync(join(both, 'gpg.conf'), 'keyserver hkps://keys.openpgp.org\n');
    const result = await runInProcess(['verify', '--offline', '--no-cache', '-k', both, post]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a malformed keybox is a usage error naming the file', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'pledge-kbx-broken-')), 'pubring.kbx');
    copyFileSync(join(home, 'pubring.kbx'), broken);
    const bytes = readFileSync(broken);
    bytes.writeUInt32BE(0x7fffffff, 32); // the first OpenPGP blob claims more bytes than the file has
    writeFileSync(broken, bytes);
    expect(() => keyboxKeyBlocks(bytes)).toThrow(KeyboxError);
    const result = await runInProcess(['verify', '--offline', '--no-cache', '-k', broken, post]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--keyring ${broken}: a malformed GnuPG keybox: the blob at byte 32 claims`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a folder of key files that holds a pubring.gpg', () => {
  it('is not taken for a GnuPG home: every key file in it is read', async () => {
    const { createSigner, clearsign } = await import('../helpers/sign.js');
    const [alice, bob] = [await createSigner('Alice <alice@example.org>'), await createSigner('Bob <bob@example.org>')];
    const keys = mkdtempSync(join(tmpdir(), 'pledge-keys-folder-'));
    writeFileSync(join(keys, 'pubring.gpg'), alice.armoredPublicKey);
    writeFileSync(join(keys, 'bob.asc'), bob.armoredPublicKey);
    const post = join(keys, '..', `${keys.split('/').pop()}-post.txt`);
    writeFileSync(post, await clearsign('Both keys count.\n', [alice, bob]));
    const result = await runInProcess(['verify', '--offline', '--no-cache', '-k', keys, post]);
    expect(result.stdout).toContain('2 verified');
    expect(result.code).toBe(0);
  });
});
