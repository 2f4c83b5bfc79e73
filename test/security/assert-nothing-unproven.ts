/**
 * The attack suite's one shared helper (test/security/README.md).
 *
 * 1. `assertNothingUnproven`: the invariant every row ends with. Whatever the attacker
 *    supplied, nothing unsigned or unproven reaches the manifest's `signedText`, `signers` or
 *    `userIDs`, and a key ID is never reported as a signer.
 * 2. `gnupgVerify`: GnuPG as an independent oracle, judged from `--status-fd` `[GNUPG:]` lines
 *    only (threat catalogue O-03), never from its human-readable text.
 * 3. Builders for the inputs the K/P/R/N/O rows need: keys, hand-made signature packets and
 *    certificates (openpgp.js 6 packet API), cleartext blocks, documents, local discovery, and
 *    the CLI's command table run in-process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { expect } from 'vitest';
import { run } from '../../src/cli/main.js';
import { namedHosts, type SourceName } from '../../src/discovery/create-sources.js';
import type { DiscoveryRequest } from '../../src/pipeline/create-discovery.js';
import { verifyDocuments } from '../../src/pipeline/run.js';
import type { Manifest, ManifestSignature } from '../../src/report/manifest.js';
import { startServer, textReply, type Handler, type TestServer } from '../helpers/http-server.js';

const { enums } = openpgp;

// ---------------------------------------------------------------------------------------------
// 1. The invariant

export interface UnprovenOptions {
  /**
   * Text that was never signed (prepended lines, hidden HTML, forged amounts, front-matter
   * claims): it must not appear in the signed text of any block that has a verified signature,
   * nor in any user ID, nor in the signers list.
   */
  unsigned?: string[];
  /** User IDs no source vouched for (HKP uploads, third-party certifications): never shown as a user ID. */
  unvouchedUserIDs?: string[];
  /** Re-derive each ok block's text with openpgp.js from the document itself (default true). */
  recheckText?: boolean;
}

const FINGERPRINT = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/;
/** Reasons under which no key was shown to have made the signature: no user ID may be attached. */
const NO_KEY_PROVEN = new Set(['signature-mismatch', 'signature-invalid', 'key-not-found', 'key-mismatch', 'key-unavailable']);

function allSignatures(manifest: Manifest): { path: string; signature: ManifestSignature }[] {
  return manifest.documents.flatMap((document) =>
    document.blocks.flatMap((block) => block.signatures.map((signature) => ({ path: document.path, signature }))),
  );
}

/** The block lines a renderer did not touch, as openpgp.js would be given them. */
function rawBlock(path: string, startLine: number, endLine: number): string {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  return text.split('\n').slice(startLine - 1, endLine).map((line) => line.replace(/\r$/, '')).join('\n') + '\n';
}

/** openpgp.js's own signed text for a block (Hash: headers dropped if openpgp.js does not know a name); an inline message's literal data. */
async function openpgpText(armored: string): Promise<string> {
  if (armored.startsWith('-----BEGIN PGP MESSAGE-----')) {
    // Text-mode literal data as openpgp.js reads it (CRLF as LF), binary data exactly.
    const message = await openpgp.readMessage({ armoredMessage: armored });
    const literal = message.packets.findPacket(openpgp.enums.packet.literalData) as unknown as { format: number } | undefined;
    return literal?.format === openpgp.enums.literal.binary ? new TextDecoder('utf-8', { fatal: true }).decode(message.getLiteralData() as Uint8Array) : (message.getText() as string);
  }
  try {
    return (await openpgp.readCleartextMessage({ cleartextMessage: armored })).getText();
  } catch {
    const lines = armored.split('\n');
    const withoutHash = [lines[0], ...lines.slice(1).filter((line, index) => !(line.startsWith('Hash: ') && lines.slice(1, index + 1).every((l) => l.startsWith('Hash: '))))];
    return (await openpgp.readCleartextMessage({ cleartextMessage: withoutHash.join('\n') })).getText();
  }
}

export async function assertNothingUnproven(manifest: Manifest, options: UnprovenOptions = {}): Promise<void> {
  const signatures = allSignatures(manifest);
  const verified = signatures.filter(({ signature }) => signature.status === 'verified');

  // Verified signatures name a real key, by fingerprint, that holds the issuer the packet claims.
  for (const { signature } of verified) {
    expect.soft(signature.primaryKeyFingerprint ?? '', 'a verified signature names its primary key by full fingerprint').toMatch(FINGERPRINT);
    expect.soft(signature.signingKeyFingerprint ?? '', 'a verified signature names its signing key by full fingerprint').toMatch(FINGERPRINT);
    expect.soft(signature.signingKeyFingerprint?.endsWith(signature.issuerKeyID), 'the signing key holds the issuer key ID').toBe(true);
    if (signature.issuerFingerprint) expect.soft(signature.signingKeyFingerprint, 'the signing key is the issuer fingerprint').toBe(signature.issuerFingerprint);
    expect.soft(signature.reason, 'a verified signature has no failure reason').toBeNull();
    expect.soft(signature.keySource, 'a verified signature says where its key came from').not.toBeNull();
  }

  // Signers: exactly the keys with a verified signature, by fingerprint, in the right documents.
  const expectedSigners = new Map<string, { documents: Set<string>; userIDs: Set<string> }>();
  for (const { path, signature } of verified) {
    const entry = expectedSigners.get(signature.primaryKeyFingerprint!) ?? { documents: new Set(), userIDs: new Set() };
    entry.documents.add(path);
    for (const userID of signature.userIDs) entry.userIDs.add(userID);
    expectedSigners.set(signature.primaryKeyFingerprint!, entry);
  }
  expect.soft(manifest.signers.map((s) => s.primaryKeyFingerprint).sort(), 'signers are exactly the keys with a verified signature').toEqual([...expectedSigners.keys()].sort());
  for (const signer of manifest.signers) {
    expect.soft(signer.primaryKeyFingerprint, 'a signer is a full fingerprint, never a key ID').toMatch(FINGERPRINT);
    const expected = expectedSigners.get(signer.primaryKeyFingerprint);
    expect.soft([...signer.documents].sort(), `documents of signer ${signer.primaryKeyFingerprint}`).toEqual([...(expected?.documents ?? [])].sort());
    for (const userID of signer.userIDs) {
      expect.soft(expected?.userIDs.has(userID), `signer user ID ${JSON.stringify(userID)} comes from a verified signature`).toBe(true);
    }
  }

  // A user ID is attached only to a key shown to have made the signature.
  for (const { signature } of signatures) {
    if (signature.status === 'verified' || signature.userIDs.length === 0) continue;
    expect.soft(signature.primaryKeyFingerprint, `user IDs on a ${signature.status} signature belong to a named key`).not.toBeNull();
    expect.soft(NO_KEY_PROVEN.has(signature.reason?.code ?? ''), `no user ID on a ${signature.status} (${signature.reason?.code}) signature`).toBe(false);
  }

  // Blocks: malformed ones carry no text and no signature; ok ones carry openpgp.js's text.
  for (const document of manifest.documents) {
    if (document.status !== 'signed') expect.soft(document.blocks.filter((b) => b.status === 'ok'), `${document.status} document has no ok block`).toEqual([]);
    for (const block of document.blocks) {
      if (block.status === 'malformed') {
        expect.soft({ signedText: block.signedText, signatures: block.signatures.length, error: block.error !== null }, 'a malformed block carries no text and no signature').toEqual({
          signedText: null,
          signatures: 0,
          error: true,
        });
        continue;
      }
      expect.soft(block.signatures.length, 'an ok block has at least one signature').toBeGreaterThan(0);
      expect.soft(block.signedTextSha256, 'signedTextSha256 is the hash of signedText').toBe(createHash('sha256').update(block.signedText ?? '').digest('hex'));
      const plain = block.rendering.every((r) => r === 'crlf' || r === 'bom');
      if (plain && options.recheckText !== false) {
        let theirs: string | Error;
        try {
          theirs = await openpgpText(rawBlock(document.path, block.startLine, block.endLine));
        } catch (error) {
          theirs = error as Error;
        }
        expect.soft(theirs, `block ${block.startLine}–${block.endLine}: signedText is exactly openpgp.js's text`).toBe(block.signedText);
      }
    }
  }

  // Text that was never signed never reads as signed, and never names anyone.
  const vouchedTexts = manifest.documents.flatMap((d) => d.blocks.filter((b) => b.signatures.some((s) => s.status === 'verified')).map((b) => b.signedText ?? ''));
  const shownUserIDs = [...signatures.flatMap(({ signature }) => signature.userIDs), ...manifest.signers.flatMap((s) => s.userIDs)];
  for (const text of options.unsigned ?? []) {
    for (const signed of vouchedTexts) expect.soft(signed.includes(text), `unsigned ${JSON.stringify(text)} in a verified block's signedText`).toBe(false);
    for (const userID of shownUserIDs) expect.soft(userID.includes(text), `unsigned ${JSON.stringify(text)} in a user ID`).toBe(false);
  }
  for (const userID of options.unvouchedUserIDs ?? []) {
    for (const { signature } of signatures) {
      const marked = (signature.warnings as string[]).includes('unverified-claim');
      expect.soft(signature.userIDs.includes(userID) && !marked, `unvouched user ID ${JSON.stringify(userID)} shown as the signer's`).toBe(false);
    }
    for (const signer of manifest.signers) expect.soft(signer.userIDs.includes(userID), `unvouched user ID ${JSON.stringify(userID)} in signers`).toBe(false);
  }

  expect.soft(manifest.summary.verified, 'summary.verified counts verified signatures').toBe(verified.length);
  expect.soft(manifest.summary.signatures, 'summary.signatures counts signatures').toBe(signatures.length);
}

// ---------------------------------------------------------------------------------------------
// 2. GnuPG, from --status-fd only

export const GPG_AVAILABLE = spawnSync('gpg', ['--version']).status === 0;

export interface GnupgVerdict {
  /** GOODSIG, BADSIG, EXPKEYSIG, REVKEYSIG, EXPSIG, ERRSIG in order: one per signature. */
  keywords: string[];
  /** Fingerprints of VALIDSIG lines: the only thing that says who made a good signature. */
  validsig: string[];
  /** The rc field of each ERRSIG (9: no public key). */
  errsigRc: number[];
  exit: number | null;
}

/**
 * `gpg --verify` in a fresh home holding exactly `keys` (armored), judged only from lines that
 * START with `[GNUPG:] ` on the status fd (fd 1, separate from the human text on stderr).
 */
const gnupgHomes = new Map<string, string>();

/** One home per set of keys; `--no-autostart` so no gpg-agent is left behind. */
function gnupgHome(keys: string[]): string {
  const id = createHash('sha256').update(keys.join('\0')).digest('hex');
  let home = gnupgHomes.get(id);
  if (home) return home;
  home = mkdtempSync(join(tmpdir(), 'pledge-sec-gpg-'));
  keys.forEach((key, index) => writeFileSync(join(home!, `key-${index}.asc`), key));
  if (keys.length) {
    spawnSync('gpg', ['--homedir', home, '--batch', '--quiet', '--no-autostart', '--import', ...keys.map((_, index) => join(home!, `key-${index}.asc`))], { stdio: 'ignore' });
  }
  gnupgHomes.set(id, home);
  return home;
}

/** What `gpg --verify` writes: the status fd (fd 1) and the human text (stderr), unparsed. */
export function gnupgRaw(input: string, keys: string[]): { status: string; human: string; exit: number | null } {
  const home = gnupgHome(keys);
  const result = spawnSync('gpg', ['--homedir', home, '--batch', '--no-autostart', '--no-auto-key-retrieve', '--status-fd', '1', '--verify', input], { encoding: 'utf8' });
  return { status: result.stdout, human: result.stderr, exit: result.status };
}

export function gnupgVerify(input: string, keys: string[]): GnupgVerdict {
  const result = gnupgRaw(input, keys);
  const status = result.status.split('\n').filter((line) => line.startsWith('[GNUPG:] ')).map((line) => line.slice('[GNUPG:] '.length).split(' '));
  return {
    keywords: status.map((fields) => fields[0]!).filter((k) => ['GOODSIG', 'BADSIG', 'EXPKEYSIG', 'REVKEYSIG', 'EXPSIG', 'ERRSIG'].includes(k)),
    validsig: status.filter((fields) => fields[0] === 'VALIDSIG').map((fields) => fields[1]!),
    errsigRc: status.filter((fields) => fields[0] === 'ERRSIG').map((fields) => Number(fields[6])),
    exit: result.exit,
  };
}

/** Records GnuPG's verdict for a row: checked live where gpg is installed, skipped (not failed) where it is not. */
export function expectGnupg(input: string, keys: string[], expected: Partial<GnupgVerdict>): void {
  if (!GPG_AVAILABLE) return;
  const verdict = gnupgVerify(input, keys);
  const shown: Partial<GnupgVerdict> = {};
  for (const field of Object.keys(expected) as (keyof GnupgVerdict)[]) (shown as Record<string, unknown>)[field] = verdict[field];
  expect.soft(shown, `GnuPG's verdict on ${input}`).toEqual(expected);
}

// ---------------------------------------------------------------------------------------------
// 3. Inputs

/** The committed fixture matrix (fixtures/cases.json): C and D rows reuse it. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const at = (path: string) => join(REPO, path);

export interface FixtureCase {
  id: string;
  document: string;
  keyrings: string[];
  expected: { documentStatus: string; blocks: { status: string; errorCode: string | null; signedText?: string }[] };
  gnupg: { input: string | string[]; exit: number; signatures: { keyword: string }[] } | null;
}

const CASES: FixtureCase[] = JSON.parse(readFileSync(at('fixtures/cases.json'), 'utf8'));
/** Every fixture key, as GnuPG was given them when the fixtures were made. */
export const FIXTURE_KEYS = readdirSync(at('fixtures/keys')).sort().map((name) => readFileSync(at(`fixtures/keys/${name}`), 'utf8'));

export function fixtureCases(prefix: string): FixtureCase[] {
  const found = CASES.filter((c) => c.id.startsWith(prefix));
  if (!found.length) throw new Error(`no fixture case starts with ${prefix}`);
  return found;
}

export async function runFixture(id: string): Promise<{ fixture: FixtureCase; manifest: Manifest }> {
  const fixture = CASES.find((c) => c.id === id);
  if (!fixture) throw new Error(`no fixture case ${id}`);
  const manifest = await verify([at(fixture.document)], { keyrings: fixture.keyrings.map(at) });
  return { fixture, manifest };
}

/** GnuPG's keywords on the fixture's own GnuPG input (one run per block file), fixture keys imported. */
export function expectGnupgOnFixture(fixture: FixtureCase, keywords: string[]): void {
  if (!GPG_AVAILABLE || !fixture.gnupg) return;
  const inputs = Array.isArray(fixture.gnupg.input) ? fixture.gnupg.input : [fixture.gnupg.input];
  const live = inputs.flatMap((input) => gnupgVerify(at(input), FIXTURE_KEYS).keywords);
  expect.soft(live, `GnuPG's verdict on ${fixture.id}`).toEqual(keywords);
}

export const T0 = new Date('2024-01-01T00:00:00Z');
export const SIGNED_AT = new Date('2024-03-01T00:00:00Z');

export interface Made {
  privateKey: openpgp.PrivateKey;
  publicKey: openpgp.PublicKey;
  armored: string;
  fingerprint: string;
}

export async function made(privateKey: openpgp.PrivateKey): Promise<Made> {
  const publicKey = privateKey.toPublic();
  return { privateKey, publicKey, armored: publicKey.armor(), fingerprint: publicKey.getFingerprint().toUpperCase() };
}

/** An Ed25519 (or RSA, or other curve) key created at `date`. */
export async function newKey(
  userID = 'Alice <alice@example.org>',
  options: { date?: Date; type?: 'ecc' | 'rsa'; curve?: openpgp.EllipticCurveName; rsaBits?: number; keyExpirationTime?: number; subkeys?: openpgp.SubkeyOptions[]; config?: Partial<openpgp.Config> } = {},
): Promise<Made> {
  const match = /^(.*) <(.*)>$/.exec(userID);
  const { privateKey } = await openpgp.generateKey({
    type: options.type ?? 'ecc',
    ...(options.type === 'rsa' ? { rsaBits: options.rsaBits ?? 2048 } : { curve: options.curve ?? 'ed25519Legacy' }),
    userIDs: [match ? { name: match[1]!, email: match[2]! } : { name: userID }],
    date: options.date ?? T0,
    keyExpirationTime: options.keyExpirationTime ?? 0,
    ...(options.subkeys ? { subkeys: options.subkeys } : {}),
    ...(options.config ? { config: options.config } : {}),
    format: 'object',
  });
  return made(privateKey);
}

type SecretPacket = openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket;
type HashedWriter = { writeHashedSubPackets(): Uint8Array };

/**
 * A literal data packet holding `text` as a cleartext message hashes it: without its last line
 * break (the one before the signature armor), trailing whitespace removed, CRLF line endings.
 */
export function literalText(text: string): openpgp.LiteralDataPacket {
  const packet = new openpgp.LiteralDataPacket();
  (packet as unknown as { setText(text: string): void }).setText(text.replace(/\n$/, '').replace(/[ \t]+$/gm, '').replace(/\r?\n/g, '\r\n'));
  return packet;
}

/**
 * A signature packet made by hand with openpgp.js's packet API (so an expired key, an odd hash,
 * a forged date or a chosen issuer can be used). `tweak` runs just before the hashed
 * subpackets are written, so what it sets is covered by the signature.
 */
export async function craftSignature(
  signer: SecretPacket,
  data: object,
  options: { type?: openpgp.enums.signature; hash?: openpgp.enums.hash; date?: Date; tweak?: (packet: openpgp.SignaturePacket) => void } = {},
): Promise<openpgp.SignaturePacket> {
  const packet = new openpgp.SignaturePacket();
  packet.signatureType = options.type ?? enums.signature.text;
  packet.hashAlgorithm = options.hash ?? enums.hash.sha512;
  packet.publicKeyAlgorithm = signer.algorithm;
  const tweak = options.tweak;
  if (tweak) {
    const write = (packet as unknown as HashedWriter).writeHashedSubPackets.bind(packet);
    (packet as unknown as HashedWriter).writeHashedSubPackets = () => {
      tweak(packet);
      return write();
    };
  }
  await (packet.sign as unknown as (key: SecretPacket, data: object, date: Date, detached: boolean, config: openpgp.Config) => Promise<void>)(
    signer,
    data,
    options.date ?? SIGNED_AT,
    false,
    // No salt notation: openpgp.js cannot size one for SHA-1, MD5 or RIPEMD-160.
    { ...openpgp.config, nonDeterministicSignaturesViaNotation: false },
  );
  return packet;
}

/** A text signature over `text` by the primary key (or `subkey`) of `key`. */
export function signText(key: Made, text: string, options: Parameters<typeof craftSignature>[2] & { subkey?: number } = {}): Promise<openpgp.SignaturePacket> {
  const packet = options.subkey === undefined ? key.privateKey.keyPacket : key.privateKey.subkeys[options.subkey]!.keyPacket;
  return craftSignature(packet as SecretPacket, literalText(text), options);
}

export function packetBytes(packets: openpgp.SignaturePacket[]): Uint8Array {
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  list.push(...packets);
  return list.write();
}

/** The signature armor for raw packet bytes (any bytes: crafted, truncated, mutated). */
export function signatureArmor(bytes: Uint8Array): string {
  return openpgp.armor(enums.armor.signature, bytes, undefined, undefined, undefined, true);
}

export function dashEscape(text: string): string {
  return text.replace(/^-/gm, '- -');
}

/**
 * A cleartext-signed block as openpgp.js and GnuPG write it: BEGIN line, `Hash:` header,
 * blank line, dash-escaped text, then the signature armor of `signature` (packets or bytes).
 */
export function cleartextBlock(text: string, signature: openpgp.SignaturePacket[] | Uint8Array, hashHeader: string | null = 'SHA512'): string {
  const bytes = signature instanceof Uint8Array ? signature : packetBytes(signature);
  const header = hashHeader === null ? '' : `Hash: ${hashHeader}\n`;
  const body = dashEscape(text.replace(/\n$/, ''));
  return `-----BEGIN PGP SIGNED MESSAGE-----\n${header}\n${body}\n${signatureArmor(bytes)}`;
}

/** A signed block made by openpgp.js's own `sign`, for the ordinary cases. */
export async function clearsign(text: string, keys: Made[], date = SIGNED_AT): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text });
  return openpgp.sign({ message, signingKeys: keys.map((k) => k.privateKey), date, format: 'armored' }) as Promise<string>;
}

/** Binary packets of a transferable public key, assembled from parts (for certificates openpgp.js will not make). */
export function armorKey(packets: openpgp.AnyPacket[]): string {
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push(...packets);
  return openpgp.armor(enums.armor.publicKey, list.write(), undefined, undefined, undefined, true);
}

export function userIDPacket(userID: string): openpgp.UserIDPacket {
  const packet = new openpgp.UserIDPacket();
  (packet as unknown as { userID: string }).userID = userID;
  return packet;
}

/** A self-certification (or a third-party one, when `certifier` is another key's secret packet). */
export function certify(
  certifier: SecretPacket,
  key: openpgp.PublicKeyPacket | openpgp.SecretKeyPacket,
  userID: openpgp.UserIDPacket,
  options: { hash?: openpgp.enums.hash; date?: Date; keyFlags?: number | null; type?: openpgp.enums.signature } = {},
): Promise<openpgp.SignaturePacket> {
  return craftSignature(certifier, { userID, key }, {
    type: options.type ?? enums.signature.certPositive,
    hash: options.hash ?? enums.hash.sha512,
    date: options.date ?? T0,
    tweak: (packet) => {
      if (options.keyFlags !== null) packet.keyFlags = new Uint8Array([options.keyFlags ?? enums.keyFlags.certifyKeys | enums.keyFlags.signData]);
    },
  });
}

/** The public form of a key packet (primary or subkey), as it appears in a certificate. */
export async function publicPacket<T extends openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket>(
  Kind: new () => T,
  from: openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket | openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket,
): Promise<T> {
  const packet = new Kind();
  const bytes = (from as unknown as { writePublicKey?: () => Uint8Array }).writePublicKey?.() ?? from.write();
  await (packet as unknown as { read(bytes: Uint8Array): Promise<void> }).read(bytes);
  return packet;
}

export async function scratchDir(prefix = 'pledge-sec-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeIn(dir: string, name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Local servers as the only network sources, named by the user (so 127.0.0.1 is allowed). */
export function localDiscovery(
  servers: { vks?: string; keybase?: string; wkd?: string; github?: string; keyservers?: string[] },
  order: SourceName[],
  options: { timeoutMs?: number; runTimeoutMs?: number; cacheDirectory?: string | null } = {},
): DiscoveryRequest {
  const named = { keybaseURL: servers.keybase, vksURL: servers.vks, wkdOrigin: servers.wkd, githubURL: servers.github, keyservers: servers.keyservers ?? [] };
  return {
    offline: false,
    cacheDirectory: options.cacheDirectory ?? null,
    sources: { ...named, order },
    allowedHosts: namedHosts(named),
    userAgent: 'pledge-security-suite',
    env: {},
    requestTimeoutMs: options.timeoutMs ?? 2_000,
    runTimeoutMs: options.runTimeoutMs ?? 20_000,
  };
}

/** Verifies documents in-process (src/pipeline/run.ts), as the CLI does. */
export function verify(paths: string[], options: { keyrings?: string[]; discovery?: DiscoveryRequest; now?: Date; limits?: Parameters<typeof verifyDocuments>[0]['limits'] } = {}): Promise<Manifest> {
  return verifyDocuments({
    paths,
    keyrings: options.keyrings ?? [],
    version: 'security-suite',
    ...(options.now ? { now: options.now } : {}),
    ...(options.discovery ? { discovery: options.discovery } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
}

/** The only block of the only document, and its signatures' verdicts in a comparable shape. */
export function verdicts(manifest: Manifest): { block: string; signatures: { status: string; reason: string | null }[] }[] {
  return manifest.documents.flatMap((document) =>
    document.blocks.map((block) => ({
      block: block.status === 'ok' ? 'ok' : `malformed:${block.error?.code}`,
      signatures: block.signatures.map((s) => ({ status: s.status, reason: s.reason?.code ?? null })),
    })),
  );
}

/** The verdicts() entry expected of a block that parsed, with its signatures' (status, reason) in order. */
export const okBlock = (...signatures: [string, string | null][]) => ({ block: 'ok', signatures: signatures.map(([status, reason]) => ({ status, reason })) });

/** The verdicts() entry expected of a block with one signature. */
export const oneSignatureBlock = (status: string, reason: string | null) => okBlock([status, reason]);

/** The verdicts() entry expected of a block refused with `code`. */
export const malformedBlock = (code: string) => ({ block: `malformed:${code}`, signatures: [] });

/** An HKP keyserver answering `op=get` with whatever `answer` returns for the search (null: 404). */
export function hkpHandler(answer: (search: string) => string | Uint8Array | null): Handler {
  return (req) => {
    if (req.path !== '/pks/lookup' || req.query.get('op') !== 'get') return textReply(404, 'Not found');
    const body = answer(req.query.get('search') ?? '');
    return body === null ? textReply(404, 'No results found') : { status: 200, headers: { 'Content-Type': 'application/pgp-keys' }, body };
  };
}

/** A Markdown post: front matter, then the block in a ```text fence. */
export function markdownPost(frontMatter: Record<string, string>, block: string): string {
  const matter = Object.entries(frontMatter).map(([key, value]) => `${key}: ${value}`).join('\n');
  return `---\n${matter}\n---\n\n\`\`\`text\n${block}\`\`\`\n`;
}

/** Runs `fn`, turning a thrown error into a value so a row can report a crash as a verdict. */
export async function outcome<T>(fn: () => Promise<T>): Promise<T | { threw: string }> {
  try {
    return await fn();
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

/**
 * The CLI in this process (src/cli/main.ts `run`, what bin/pledge.cjs's `main` sets as the exit
 * code), with captured stdout and stderr: the same command table and exit codes as the binary,
 * without a process start per case.
 */
export async function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into.push(chunk.toString());
        callback();
      },
    });
  const cache = await mkdtemp(join(tmpdir(), 'pledge-sec-xdg-'));
  const code = await run(['node', 'pledge', ...args], {
    stdout: sink(out),
    stderr: sink(err),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_CACHE_HOME: cache, NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? REPO,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The statement most rows sign. */
export const TEXT = 'I, the undersigned, support the pledge.\n';

/** Local servers a test file starts, all closed by `closeAll` (afterAll). */
export function serverPool(): { serve(handler: Handler): Promise<TestServer>; closeAll(): Promise<void> } {
  const servers: TestServer[] = [];
  return {
    async serve(handler) {
      const server = await startServer(handler);
      servers.push(server);
      return server;
    },
    async closeAll() {
      await Promise.all(servers.splice(0).map((server) => server.close()));
    },
  };
}
