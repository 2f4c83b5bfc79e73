#!/usr/bin/env node
/**
 * npm run differential (issue 12): a matrix of key algorithms × key states × hashes, each
 * signature judged by pledge (the built CLI), gpgv, sq verify and sqv, and the table of their
 * agreement printed. Not part of npm test (RSA-3072 key generation is slow). Every key is made
 * here, in temp GNUPGHOMEs at a faked system time, so a run is reproducible from this file.
 * Why each disagreement is right: docs/differential-disagreements.md.
 *
 *   node scripts/differential.mjs [--quick] [--keep]   (--quick: no RSA; --keep: leave the keys and
 *   signatures it made in their temporary directory, and say where)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

const quick = process.argv.includes('--quick');
const root = mkdtempSync(join(tmpdir(), 'pledge-differential-'));
// The GnuPG homes, keys and signatures of this run: gone when it ends, unless asked to keep them.
process.on('exit', () => {
  if (process.argv.includes('--keep')) console.error(`differential: the keys and signatures are in ${root}`);
  else rmSync(root, { recursive: true, force: true });
});
const pledge = join(process.cwd(), 'bin/pledge.cjs');
const TEXT = 'We, the undersigned, compare verifiers.\n';
const at = (iso) => new Date(`${iso}T00:00:00Z`);
const gpgTime = (date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}!`;

const ALGORITHMS = [...(quick ? [] : ['rsa2048', 'rsa3072']), 'ed25519', 'nistp256', 'nistp384', 'nistp521', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'];
const STATES = ['fresh', 'expired-since', 'expired-at-signing', 'extended', 'revoked', 'subkey'];
const HASHES = ['SHA256', 'SHA512'];

let homes = 0;
function gpgHome() {
  const home = join(root, `gnupg-${homes++}`);
  execFileSync('mkdir', ['-m', '700', home]);
  const run = (time, args, input) =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...(time ? ['--faked-system-time', gpgTime(time)] : []), ...args], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'ignore'],
      ...(input === undefined ? {} : { input }),
    });
  const fingerprints = () =>
    run(null, ['--with-colons', '--list-keys'])
      .split('\n')
      .filter((l) => l.startsWith('fpr:'))
      .map((l) => l.split(':')[9]);
  return { home, run, fingerprints };
}

/** One key in one state: its public key and a signature per hash (null: that tool cannot make it). */
async function build(algorithm, state) {
  const g = gpgHome();
  const usage = state === 'subkey' ? 'cert' : 'sign';
  const expire = state === 'expired-since' ? '2y' : state === 'expired-at-signing' ? '1y' : state === 'extended' ? '2y' : '0';
  g.run(at('2020-01-01'), ['--quick-gen-key', `${algorithm} ${state} <${algorithm}-${state}@example.org>`, algorithm, usage, expire]);
  const [fpr] = g.fingerprints();
  let signer = fpr;
  if (state === 'subkey') {
    // GnuPG reads a bare curve name as ECDH for a subkey: name ECDSA for the signing one.
    g.run(at('2020-01-01'), ['--quick-add-key', fpr, /^(nist|brainpool)/.test(algorithm) ? `${algorithm}/ecdsa` : algorithm, 'sign', '0']);
    signer = g.fingerprints()[1];
  }
  const signed = {};
  for (const hash of HASHES) {
    if (state === 'expired-at-signing') {
      // GnuPG will not sign with an expired key: openpgp.js makes the signature (it cannot for brainpool in Node).
      signed[hash] = await craftExpired(g, fpr, hash).catch(() => null);
    } else {
      // GnuPG refuses a hash shorter than an ECDSA curve (P-384, P-521 with SHA-256): not a row.
      try {
        signed[hash] = g.run(at('2021-01-01'), ['--local-user', `${signer}!`, '--digest-algo', hash, '--clearsign'], TEXT);
      } catch {
        signed[hash] = null;
      }
    }
  }
  if (state === 'extended') g.run(at('2022-06-01'), ['--quick-set-expire', fpr, '10y']);
  if (state === 'expired-at-signing') g.run(at('2022-06-01'), ['--quick-set-expire', fpr, '10y']);
  let key = g.run(null, ['--armor', '--export', ...(state === 'extended' ? ['--export-options', 'export-minimal'] : []), fpr]);
  if (state === 'revoked') {
    const secret = join(g.home, 'secret.asc');
    writeFileSync(secret, g.run(null, ['--armor', '--export-secret-keys', fpr]));
    let revocation;
    try {
      revocation = execFileSync('sq', ['revoke', 'certificate', '--time', '20220101', '--certificate', secret, 'compromised', 'lost'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return { key, signed: {} }; // sq (Nettle) has no brainpool curves to make the revocation with
    }
    const parsed = await openpgp.readKey({ armoredKey: key });
    parsed.revocationSignatures.push([...(await openpgp.readSignature({ armoredSignature: revocation.replace(/PUBLIC KEY BLOCK/g, 'SIGNATURE') })).packets][0]);
    key = parsed.armor();
  }
  if (state === 'expired-at-signing') key = await mergedHistory(g, fpr);
  return { key, signed };
}

/** The expired-at-signing key keeps both self-signatures: the first (expiring 2021-01-01) and the extension. */
const firstExports = new Map();
async function craftExpired(g, fpr, hash) {
  if (!firstExports.has(g.home)) firstExports.set(g.home, g.run(null, ['--armor', '--export', fpr]));
  const secret = await openpgp.readPrivateKey({ armoredKey: g.run(null, ['--armor', '--export-secret-keys', fpr]) });
  const config = { ...openpgp.config, preferredHashAlgorithm: openpgp.enums.hash[hash.toLowerCase()] };
  // Signed at 2021-06-01, after the first self-signature's expiry (2021-01-01), with openpgp.js's packet API.
  const packet = new openpgp.SignaturePacket();
  packet.signatureType = openpgp.enums.signature.text;
  packet.hashAlgorithm = config.preferredHashAlgorithm;
  packet.publicKeyAlgorithm = secret.keyPacket.algorithm;
  const literal = new openpgp.LiteralDataPacket();
  literal.setText(TEXT.replace(/\n$/, '').replace(/\n/g, '\r\n'));
  await packet.sign(secret.keyPacket, literal, at('2021-06-01'), false, { ...openpgp.config, nonDeterministicSignaturesViaNotation: false });
  const list = new openpgp.PacketList();
  list.push(packet);
  const armor = openpgp.armor(openpgp.enums.armor.signature, list.write(), undefined, undefined, undefined, true);
  return `-----BEGIN PGP SIGNED MESSAGE-----\nHash: ${hash}\n\n${TEXT.replace(/\n$/, '')}\n${armor}`;
}

async function mergedHistory(g, fpr) {
  const first = await openpgp.readKey({ armoredKey: firstExports.get(g.home) });
  const last = await openpgp.readKey({ armoredKey: g.run(null, ['--armor', '--export', fpr]) });
  return (await last.update(first, at('2030-01-01'))).armor();
}

function judge(name, key, document) {
  const doc = join(root, `${name}.txt`);
  const keyFile = join(root, `${name}.key.asc`);
  writeFileSync(doc, document);
  writeFileSync(keyFile, key);
  const p = spawnSync('node', [pledge, 'verify', '--offline', '--no-cache', '--json', '--keyring', keyFile, doc], { encoding: 'utf8' });
  let pledgeVerdict = 'error';
  try {
    const s = JSON.parse(p.stdout).documents[0].blocks[0].signatures[0];
    pledgeVerdict = s.status === 'verified' ? `verified${s.warnings.length ? `+${s.warnings.join('+')}` : ''}` : `${s.status}/${s.reason?.code}`;
  } catch {
    /* left as error */
  }
  const keyring = join(root, `${name}.key.gpg`);
  // GnuPG 2.2 cannot even dearmor some v6 keys: it cannot check, so it does not accept.
  const dearmored = spawnSync('gpg', ['--dearmor', '--yes', '-o', keyring, keyFile], { stdio: 'ignore' }).status === 0;
  const gpgv = dearmored && spawnSync('gpgv', ['--keyring', keyring, doc], { stdio: 'ignore' }).status === 0;
  const sq = spawnSync('sq', ['verify', '--signer-cert', keyFile, doc], { stdio: 'ignore' }).status === 0;
  const [head, armor] = document.split('-----BEGIN PGP SIGNATURE-----');
  writeFileSync(
    `${doc}.data`,
    head
      .slice(head.indexOf('\n\n') + 2)
      .replace(/\n$/, '')
      .replace(/^- /gm, ''),
  );
  writeFileSync(`${doc}.sig`, `-----BEGIN PGP SIGNATURE-----${armor}`);
  const sqv = spawnSync('sqv', ['--keyring', keyFile, `${doc}.sig`, `${doc}.data`], { stdio: 'ignore' }).status === 0;
  return { pledge: pledgeVerdict, gpgv, sq, sqv };
}

const rows = [];
for (const algorithm of ALGORITHMS) {
  for (const state of STATES) {
    const { key, signed } = await build(algorithm, state);
    for (const hash of HASHES) {
      if (!signed[hash]) {
        rows.push({ algorithm, state, hash, pledge: 'n/a (the signing tool refuses)', gpgv: null, sq: null, sqv: null });
        continue;
      }
      rows.push({ algorithm, state, hash, ...judge(`${algorithm}-${state}-${hash}`, key, signed[hash]) });
    }
  }
}
// v6 keys (RFC 9580): GnuPG 2.2 and sq 0.27 make none, so openpgp.js makes them, and the three
// other tools judge what they can (a tool that cannot read v6 rejects: not evidence of forgery).
const V6_TYPES = [['v6-ed25519', { type: 'curve25519' }], ['v6-nistp256', { type: 'ecc', curve: 'nistP256' }], ...(quick ? [] : [['v6-rsa3072', { type: 'rsa', rsaBits: 3072 }]])];
const V6_STATES = ['fresh', 'expired-since', 'revoked'];
for (const [algorithm, options] of V6_TYPES) {
  for (const state of V6_STATES) {
    const config = { ...openpgp.config, v6Keys: true };
    const { privateKey } = await openpgp.generateKey({
      ...options,
      userIDs: [{ name: `${algorithm} ${state}`, email: `${algorithm}-${state}@example.org` }],
      date: at('2020-01-01'),
      keyExpirationTime: state === 'expired-since' ? 2 * 365 * 86400 : 0,
      format: 'object',
      config,
    });
    let secret = privateKey;
    if (state === 'revoked') ({ privateKey: secret } = await openpgp.revokeKey({ key: privateKey, reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyCompromised }, date: at('2022-01-01'), format: 'object', config }));
    for (const hash of HASHES) {
      const message = await openpgp.createCleartextMessage({ text: TEXT });
      const hashConfig = { ...config, preferredHashAlgorithm: openpgp.enums.hash[hash.toLowerCase()] };
      const signed = await openpgp.sign({ message, signingKeys: privateKey, date: at('2021-06-01'), config: hashConfig });
      rows.push({ algorithm, state, hash, ...judge(`${algorithm}-${state}-${hash}`, secret.toPublic().armor(), signed) });
    }
  }
}

spawnSync('gpgconf', ['--homedir', root, '--kill', 'all'], { stdio: 'ignore' });
for (let i = 0; i < homes; i++) spawnSync('gpgconf', ['--homedir', join(root, `gnupg-${i}`), '--kill', 'gpg-agent'], { stdio: 'ignore' });

const mark = (value) => (value === null ? '—' : value ? 'accept' : 'reject');
const accepts = (row) => row.pledge.startsWith('verified');
console.log('| algorithm | state | hash | pledge | gpgv | sq | sqv |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.algorithm} | ${row.state} | ${row.hash} | ${row.pledge} | ${mark(row.gpgv)} | ${mark(row.sq)} | ${mark(row.sqv)} |`);
// The installed gpgv, sq and sqv read no v6 key: those rows say what pledge gives, not an agreement.
const isV6 = (row) => row.algorithm.startsWith('v6-');
const judged = rows.filter((row) => row.gpgv !== null && !isV6(row));
const v6 = rows.filter(isV6);
console.log(`\nv6 (openpgp.js keys): ${v6.length} signatures; pledge accepts ${v6.filter(accepts).length}; another tool accepts ${v6.filter((r) => r.gpgv || r.sq || r.sqv).length} (none of the installed ones reads v6).`);
const count = (tool) => judged.filter((row) => accepts(row) === row[tool]).length;
console.log(
  `\n${judged.length} signatures judged by all four. pledge agrees with gpgv on ${count('gpgv')}, sq on ${count('sq')}, sqv on ${count('sqv')}; all four agree on ${judged.filter((r) => accepts(r) === r.gpgv && r.gpgv === r.sq && r.sq === r.sqv).length}.`,
);
console.log('Disagreements and why pledge is right: docs/differential-disagreements.md');
