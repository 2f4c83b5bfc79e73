/**
 * Issue 14 item 3: several signers and thresholds. `--min-signatures N` passes a document only
 * with N verified signatures by N distinct primary keys, over every block and form of it;
 * `--signer` and `--signer-file` restrict which keys count. Sequoia is asked live where it
 * applies: `sq verify -n N --signer-cert …` (which counts signatures) and `sqv -n N` (which,
 * as pledge, counts keys).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateThreshold, parseSignerList } from '../../src/verify/threshold.js';
import type { Manifest } from '../../src/report/manifest.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { at, Gpg, HAVE, REQUIRE_ORACLES, scratch } from '../verify/key-history/tools.js';

const TEXT = 'Canary 047: no warrant has been served.\n';
const sequoia = HAVE.sq || REQUIRE_ORACLES;
const sqv = HAVE.sqv || REQUIRE_ORACLES;
const gnupg = HAVE.gpg || REQUIRE_ORACLES;
if (!sequoia) console.warn('test/threshold: sq is not installed: its live thresholds are skipped (PLEDGE_REQUIRE_ORACLES=1 makes this a failure)');

let dir: string;
let alice: TestSigner;
let bob: TestSigner;
let carol: TestSigner;
let keys: string;
/** One cleartext block signed by alice and bob. */
let both: string;

const keyFile = (name: string, signer: TestSigner) => {
  const path = join(dir, `${name}.asc`);
  writeFileSync(path, signer.armoredPublicKey);
  return path;
};

beforeAll(async () => {
  dir = scratch('pledge-threshold-');
  [alice, bob, carol] = await Promise.all([createSigner('Alice <alice@example.org>'), createSigner('Bob <bob@example.org>'), createSigner('Carol <carol@example.org>')]);
  keys = join(dir, 'keys.asc');
  writeFileSync(keys, alice.armoredPublicKey + bob.armoredPublicKey + carol.armoredPublicKey);
  both = join(dir, 'both.asc');
  writeFileSync(both, await clearsign(TEXT, [alice, bob]));
});
afterAll(() => Gpg.stopAgents());

const verify = (args: string[]) => runCli(['verify', '--offline', '--no-cache', '--keyring', keys, ...args]);
const manifestOf = (stdout: string) => JSON.parse(stdout) as Manifest;
/** Does `sq verify -n N` accept the file with these certificates alone? */
const sqAccepts = (file: string, n: number, certs: string[]) => spawnSync('sq', ['verify', '-n', String(n), ...certs.flatMap((cert) => ['--signer-cert', cert]), file], { stdio: 'ignore' }).status === 0;

describe('--min-signatures', () => {
  it('passes with N verified signatures by N keys: "2 of 2 required signers", recorded in the manifest', async () => {
    const human = await verify(['--min-signatures', '2', both]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('✓ 2 of 2 required signers');
    const json = await verify(['--json', '--min-signatures', '2', both]);
    const manifest = manifestOf(json.stdout);
    expectValidManifest(manifest);
    expect(manifest.documents[0]!.threshold).toEqual({ required: 2, allowedSigners: null, counted: expect.arrayContaining([alice.fingerprint, bob.fingerprint]), notAllowed: [], missing: [], met: true });
    if (sequoia) expect(sqAccepts(both, 2, [keyFile('a', alice), keyFile('b', bob)])).toBe(true);
  });

  it('fails short of N: the verdict, a too-few-signatures finding, exit 1, in every format', async () => {
    const human = await verify(['--min-signatures', '3', both]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ too-few-signatures: 2 of 3 required signers/);
    const manifest = manifestOf((await verify(['--json', '--min-signatures', '3', both])).stdout);
    expectValidManifest(manifest);
    expect(manifest.documents[0]).toMatchObject({ verdict: 'failed', threshold: { required: 3, met: false }, findings: [{ code: 'too-few-signatures', severity: 'error' }] });
    expect(manifest.ok).toBe(false);
    // Every signature verified: only the threshold failed the document.
    expect(manifest.documents[0]!.blocks[0]!.signatures.map((s) => s.status)).toEqual(['verified', 'verified']);
    expect((await verify(['--format', 'github', '--min-signatures', '3', both])).stdout).toMatch(/::error file=[^,]*both\.asc[^:]*title=pledge%3A too-few-signatures::2 of 3 required signers/);
    expect((await verify(['--format', 'junit', '--min-signatures', '3', both])).stdout).toMatch(/type="too-few-signatures"/);
    expect((await verify(['--format', 'markdown', '--min-signatures', '3', both])).stdout).toContain('**too-few-signatures** in');
    if (sequoia) expect(sqAccepts(both, 3, [keyFile('a', alice), keyFile('b', bob)])).toBe(false);
  });

  it('counts every block and form of a document together: a cleartext block by Alice and an inline message by Carol make 2', async () => {
    const inline = await openpgp.sign({ message: await openpgp.createMessage({ text: TEXT }), signingKeys: carol.privateKey, format: 'armored' });
    const path = join(dir, 'mixed.md');
    writeFileSync(path, `${await clearsign(TEXT, [alice])}\nand\n\n${inline}`);
    const manifest = manifestOf((await verify(['--json', '--min-signatures', '2', path])).stdout);
    expect(manifest.documents[0]!.blocks.map((b) => b.form)).toEqual(['cleartext', 'inline']);
    expect(manifest.documents[0]).toMatchObject({ verdict: 'verified', threshold: { met: true, counted: [alice.fingerprint, carol.fingerprint] } });
  });

  it('counts two signatures by one primary key once (two blocks by Alice are one signer)', async () => {
    const path = join(dir, 'twice.md');
    writeFileSync(path, `${await clearsign(TEXT, [alice])}\n${await clearsign('Again.\n', [alice])}`);
    const result = await verify(['--json', '--min-signatures', '2', path]);
    expect(result.code).toBe(1);
    expect(manifestOf(result.stdout).documents[0]).toMatchObject({ verdict: 'failed', threshold: { counted: [alice.fingerprint], met: false } });
  });
});

describe('--signer and --signer-file', () => {
  it('counts only the listed keys, names the listed ones not seen and the signers not counted', async () => {
    const list = join(dir, 'signers.txt');
    writeFileSync(list, `# the canary's signers\n${alice.fingerprint}  # Alice\n\n${carol.fingerprint.match(/.{4}/g)!.join(' ')}\n`);
    const human = await verify(['--min-signatures', '2', '--signer-file', list, both]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`1 of 2 required signers; not seen: ${carol.fingerprint}; not on the signer list, so not counted: ${bob.fingerprint}`);
    const manifest = manifestOf((await verify(['--json', '--min-signatures', '2', '--signer-file', list, both])).stdout);
    expectValidManifest(manifest);
    expect(manifest.documents[0]!.threshold).toEqual({ required: 2, allowedSigners: 2, counted: [alice.fingerprint], notAllowed: [bob.fingerprint], missing: [carol.fingerprint], met: false });
    // Sequoia, given only the listed certificates, agrees: Bob's signature cannot count.
    if (sequoia) expect(sqAccepts(both, 2, [keyFile('a', alice), keyFile('c', carol)])).toBe(false);
  });

  it('passes with one listed signer by default (as gpg --assert-signer), however many others signed', async () => {
    const result = await verify(['--signer', alice.fingerprint.toLowerCase(), both]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`✓ 1 of 1 required signer (not on the signer list, not counted: ${bob.fingerprint})`);
    const none = await verify(['--signer', carol.fingerprint, both]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(`0 of 1 required signer; not seen: ${carol.fingerprint}`);
    if (sequoia) expect(sqAccepts(both, 1, [keyFile('c', carol)])).toBe(false);
  });

  it('refuses a bad list or option before any work, naming the file and line (exit 2)', async () => {
    const list = join(dir, 'typo.txt');
    writeFileSync(list, `${alice.fingerprint}\nnot-a-fingerprint\n`);
    const typo = await verify(['--signer-file', list, both]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`--signer-file ${list}:2: "not-a-fingerprint" is not a key fingerprint`);
    expect(typo.stdout).toBe('');
    const short = await verify(['--min-signatures', '3', '--signer', alice.fingerprint, '--signer', bob.fingerprint, both]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('the signer list names only 2 key(s)');
    expect((await verify(['--signer', 'ABCD', both])).code).toBe(2);
    expect((await verify(['--signer-file', join(dir, 'missing.txt'), both])).stderr).toContain('no such file');
    const config = join(dir, 'pledge.config.json');
    writeFileSync(config, JSON.stringify({ documents: ['*.asc'], minSignatures: 2 }));
    const repository = await verify(['--config', config, '--min-signatures', '2']);
    expect(repository.code).toBe(2);
    expect(repository.stderr).toContain("pledge.config.json's minSignatures and allowedSigners");
  });
});

describe('the shared count', () => {
  it('matches a signing subkey fingerprint to its primary key, counts the primary once, lists what is missing', () => {
    const signature = (primary: string, signing = primary, status = 'verified') => ({ status, primaryKeyFingerprint: primary, signingKeyFingerprint: signing });
    const [P, S, Q, R] = ['A', 'B', 'C', 'D'].map((c) => c.repeat(40)) as [string, string, string, string];
    const record = evaluateThreshold([signature(P, S), signature(P, P), signature(Q, Q, 'bad-signature'), signature(R)], { minSignatures: 2, allowedSigners: new Set([S, Q]) });
    expect(record).toEqual({ required: 2, allowedSigners: 2, counted: [P], notAllowed: [R], missing: [Q], met: false });
    expect([...parseSignerList(`0x${P.toLowerCase()}\n# x\n`, 'list')]).toEqual([P]);
  });
});

describe.skipIf(!gnupg)(`one primary key, two signing subkeys${gnupg ? '' : ' (skipped: gpg is not installed)'}`, () => {
  it('counts once, as sqv -n does (sq verify -n counts signatures, and differs)', async () => {
    const gpg = new Gpg();
    const primary = gpg.generate(at('2024-01-01'), 'Sam <sam@example.org>', 'ed25519', 'sign', 'never');
    gpg.run(at('2024-01-02'), ['--quick-add-key', primary, 'ed25519', 'sign', 'never']);
    gpg.run(at('2024-01-03'), ['--quick-add-key', primary, 'ed25519', 'sign', 'never']);
    const [, first, second] = gpg.fingerprints('sam@example.org') as [string, string, string];
    const signed = gpg.run(at('2025-01-01'), ['--local-user', `${first}!`, '--local-user', `${second}!`, '--clearsign'], TEXT);
    const path = join(dir, 'subkeys.asc');
    writeFileSync(path, signed);
    const key = join(dir, 'sam.asc');
    writeFileSync(key, gpg.exportPublic(primary));
    const run = (args: string[]) => runCli(['verify', '--offline', '--no-cache', '--keyring', key, '--json', ...args, path]);
    const twice = manifestOf((await run(['--min-signatures', '2'])).stdout).documents[0]!;
    expect(twice.blocks[0]!.signatures.map((s) => [s.status, s.signingKeyFingerprint])).toEqual([
      ['verified', first],
      ['verified', second],
    ]);
    expect(twice).toMatchObject({ verdict: 'failed', threshold: { counted: [primary], met: false } });
    // --signer takes a signing subkey's fingerprint too, and counts its primary key.
    expect(manifestOf((await run(['--signer', second])).stdout).documents[0]).toMatchObject({ verdict: 'verified', threshold: { counted: [primary], missing: [] } });
    if (sequoia) expect(sqAccepts(path, 2, [key])).toBe(true);
    if (sqv) {
      // sqv reads detached signatures: the block's text and its signature armor, split.
      const [head, armor] = signed.split('-----BEGIN PGP SIGNATURE-----');
      writeFileSync(`${path}.txt`, head!.slice(head!.indexOf('\n\n') + 2).replace(/\n$/, ''));
      writeFileSync(`${path}.sig`, `-----BEGIN PGP SIGNATURE-----${armor}`);
      const sqvSays = (n: number) => spawnSync('sqv', ['-n', String(n), '--keyring', key, `${path}.sig`, `${path}.txt`], { stdio: 'ignore' }).status;
      expect(sqvSays(1)).toBe(0);
      expect(sqvSays(2)).not.toBe(0);
    }
  });
});
