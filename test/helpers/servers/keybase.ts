/**
 * Imitation of keybase.io's key-related endpoints (Keybase API: user/lookup.json, key/fetch.json, the raw key endpoints):
 *   GET /_/api/1.0/user/lookup.json?usernames=a,b | key_fingerprint= | key_suffix= [&fields=]
 *   GET /<user>/pgp_keys.asc[?fingerprint=<hex>]
 *   GET /<user>/key.asc
 * Status lives in the JSON (`status.code`), HTTP is 200 except in the fail modes.
 */
import { createHash } from 'node:crypto';
import { readKeys } from 'openpgp';
import type { Key } from 'openpgp';
import type { Handler, RecordedRequest, Reply } from '../http-server.js';
import { textReply } from '../http-server.js';

export interface KeybaseProof {
  /** `proof_type`: github, twitter, reddit, hackernews, dns, generic_web_site, … */
  service: string;
  /** `nametag`: the account name, or the domain for dns / generic_web_site. */
  name: string;
  /** `proof_url` / `human_url`. */
  url: string;
}

export interface KeybaseUser {
  /** Keybase usernames are case-insensitive; this spelling becomes `username_cased`. */
  username: string;
  /** Armored PGP public keys, eldest first (the first one is `public_keys.primary`). */
  armoredKeys: string[];
  proofs?: KeybaseProof[];
}

export type KeybaseFailMode = 'rate-limit-503' | 'server-500' | 'bad-json';

export interface KeybaseOptions {
  users: KeybaseUser[];
  fail?: KeybaseFailMode;
  /** HTTP status of the `SELF-SIGNED PUBLIC KEY NOT FOUND` body (not established; default 200). */
  noKeyStatus?: 200 | 404;
}

/** Sub-objects served when `fields=` is omitted (`id` is always present). */
export const KEYBASE_FIELDS = [
  'basics',
  'profile',
  'public_keys',
  'proofs_summary',
  'cryptocurrency_addresses',
  'devices',
] as const;

const LOOKUP_PATH = '/_/api/1.0/user/lookup.json';
const NO_KEY_BODY = 'SELF-SIGNED PUBLIC KEY NOT FOUND';
const USERNAME = /^[A-Za-z0-9_]{1,16}$/;
const FINGERPRINT = /^[0-9A-Fa-f]{40}$/;
const KEY_SUFFIX = /^[0-9A-Fa-f]{16}$/;
/** Social-proof selectors of user/lookup (positional like `usernames`). */
const SERVICE_SELECTORS = ['twitter', 'github', 'reddit', 'hackernews'] as const;
const WEB_SERVICES = new Set(['dns', 'generic_web_site']);
const DEFAULT_TIME = 1_700_000_000;

interface IndexedKey {
  armored: string;
  key: Key;
  fingerprint: string; // lower-case
  fingerprints: string[]; // primary + subkeys, lower-case
  keyIDs: string[]; // primary + subkeys, lower-case 16 hex
}

interface IndexedUser {
  user: KeybaseUser;
  keys: IndexedKey[];
  object: Record<string, unknown>;
}

export function keybaseHandler(options: KeybaseOptions): Handler {
  let index: Promise<IndexedUser[]> | undefined;
  const users = (): Promise<IndexedUser[]> => (index ??= indexUsers(options.users));
  const noKeyStatus = options.noKeyStatus ?? 200;

  return async (req) => {
    if (options.fail) return failReply(options.fail);
    const all = await users();
    if (req.path === LOOKUP_PATH) return lookup(req, all);
    const raw = /^\/([^/]+)\/(pgp_keys\.asc|key\.asc)$/.exec(req.path);
    if (raw) return rawKeys(req, all, decodeURIComponent(raw[1] ?? ''), raw[2] === 'key.asc', noKeyStatus);
    return notFoundPage();
  };
}

function lookup(req: RecordedRequest, all: IndexedUser[]): Reply {
  const q = req.query;
  const project = projector(q.get('fields'));

  const usernames = q.get('usernames');
  if (usernames !== null) {
    const names = usernames.split(',');
    if (names.some((n) => !USERNAME.test(n))) return inputError('usernames', 'bad list value');
    return ok(
      names.map((name) => {
        const hit = all.find((u) => u.user.username.toLowerCase() === name.toLowerCase());
        return hit ? project(hit.object) : null;
      }),
    );
  }

  for (const [param, pattern, pick] of [
    ['key_fingerprint', FINGERPRINT, (k: IndexedKey) => k.fingerprints],
    ['key_suffix', KEY_SUFFIX, (k: IndexedKey) => k.keyIDs],
  ] as const) {
    const value = q.get(param);
    if (value === null) continue;
    const wanted = value.split(',');
    if (wanted.some((w) => !pattern.test(w))) return inputError(param, 'bad list value');
    const lower = new Set(wanted.map((w) => w.toLowerCase()));
    const hits = all.filter((u) => u.keys.some((k) => pick(k).some((id) => lower.has(id))));
    return ok(hits.map((u) => project(u.object)));
  }

  for (const service of SERVICE_SELECTORS) {
    const value = q.get(service);
    if (value === null) continue;
    const names = value.split(',');
    if (names.some((n) => n.length === 0)) return inputError(service, 'bad list value');
    return ok(names.map((name) => {
      const hit = all.find((u) => (u.user.proofs ?? []).some((p) => p.service === service && p.name.toLowerCase() === name.toLowerCase()));
      return hit ? project(hit.object) : null;
    }));
  }

  const domain = q.get('domain');
  if (domain !== null) {
    const names = domain.split(',');
    if (names.some((n) => n.length === 0)) return inputError('domain', 'bad list value');
    return ok(names.map((name) => {
      const hit = all.find((u) => (u.user.proofs ?? []).some((p) => WEB_SERVICES.has(p.service) && p.name.toLowerCase() === name.toLowerCase()));
      return hit ? project(hit.object) : null;
    }));
  }

  return inputError('usernames', 'missing', 'need one of usernames, key_fingerprint, key_suffix, domain, twitter, github, reddit, hackernews');
}

function rawKeys(req: RecordedRequest, all: IndexedUser[], username: string, primaryOnly: boolean, noKeyStatus: number): Reply {
  const hit = all.find((u) => u.user.username.toLowerCase() === username.toLowerCase());
  if (!hit) return notFoundPage();
  let keys = hit.keys;
  if (primaryOnly) keys = keys.slice(0, 1);
  const fingerprint = req.query.get('fingerprint');
  if (fingerprint !== null && !primaryOnly) {
    keys = keys.filter((k) => k.fingerprint === fingerprint.toLowerCase());
  }
  if (keys.length === 0) return textReply(noKeyStatus, NO_KEY_BODY);
  return textReply(200, keys.map((k) => ensureNewline(k.armored)).join('\n'), { 'Access-Control-Allow-Origin': '*' });
}

function ok(them: unknown[]): Reply {
  return json({ status: { code: 0, name: 'OK' }, them });
}

function inputError(field: string, problem: string, desc = problem): Reply {
  return json({ status: { code: 100, name: 'INPUT_ERROR', desc, fields: { [field]: problem } } });
}

function json(value: unknown): Reply {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Access-Control-Allow-Origin': '*' },
    body: JSON.stringify(value),
  };
}

function failReply(mode: KeybaseFailMode): Reply {
  switch (mode) {
    case 'rate-limit-503':
      return nginxError(503, 'Service Temporarily Unavailable');
    case 'server-500':
      return nginxError(500, 'Internal Server Error');
    case 'bad-json':
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: '{"status":{"code":0,"name":"OK"},"them":[{"id":"',
      };
    default: {
      const never: never = mode;
      throw new Error(`unknown fail mode ${String(never)}`);
    }
  }
}

function nginxError(status: number, reason: string): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/html', Server: 'nginx' },
    body: `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

function notFoundPage(): Reply {
  return {
    status: 404,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: '<!DOCTYPE html>\n<html><head><title>Keybase</title></head><body><div class="error-404"><h1>404 - sorry, not found.</h1></div></body></html>\n',
  };
}

function projector(fields: string | null): (object: Record<string, unknown>) => Record<string, unknown> {
  const wanted = fields === null || fields.trim() === '' ? undefined : new Set(fields.split(',').map((f) => f.trim()));
  return (object) => {
    if (!wanted) return object;
    const out: Record<string, unknown> = { id: object['id'] };
    for (const [name, value] of Object.entries(object)) if (wanted.has(name)) out[name] = value;
    return out;
  };
}

async function indexUsers(users: KeybaseUser[]): Promise<IndexedUser[]> {
  return Promise.all(
    users.map(async (user) => {
      const keys: IndexedKey[] = [];
      for (const armored of user.armoredKeys) {
        const [key] = await readKeys({ armoredKeys: armored });
        if (!key) throw new Error(`keybaseHandler: no key in armored text for ${user.username}`);
        keys.push({
          armored,
          key,
          fingerprint: key.getFingerprint().toLowerCase(),
          fingerprints: key.getKeys().map((k) => k.getFingerprint().toLowerCase()),
          keyIDs: key.getKeys().map((k) => k.getKeyID().toHex().toLowerCase()),
        });
      }
      return { user, keys, object: await userObject(user, keys) };
    }),
  );
}

async function userObject(user: KeybaseUser, keys: IndexedKey[]): Promise<Record<string, unknown>> {
  const username = user.username.toLowerCase();
  const first = keys[0];
  const ctime = first ? seconds(first.key.getCreationTime()) : DEFAULT_TIME;
  const proofs = (user.proofs ?? []).map((p) => proofObject(username, p));
  const kids = keys.map((k) => kid(k.key));
  const publicKeys: Record<string, unknown> = {};
  if (first) publicKeys['primary'] = await primaryObject(first, kids[0] ?? '');
  publicKeys['all_bundles'] = keys.map((k) => k.armored);
  publicKeys['subkeys'] = [];
  publicKeys['sibkeys'] = kids;
  publicKeys['families'] = {};
  publicKeys['eldest_kid'] = kids[0] ?? deviceKid(username);
  if (first) publicKeys['eldest_key_fingerprint'] = first.fingerprint;
  publicKeys['pgp_public_keys'] = keys.map((k) => k.armored);

  const byGroup: Record<string, unknown[]> = {};
  const bySig: Record<string, unknown> = {};
  for (const proof of proofs) {
    (byGroup[proof.presentation_group] ??= []).push(proof);
    bySig[proof.sig_id] = proof;
  }
  const firstUserID = first?.key.getUserIDs()[0];
  const fullName = firstUserID ? firstUserID.replace(/\s*<[^>]*>\s*$/, '') || null : null;

  return {
    id: hex(`uid:${username}`, 30) + '19',
    basics: {
      username,
      username_cased: user.username,
      ctime,
      mtime: ctime,
      id_version: 1 + proofs.length,
      track_version: 0,
      last_id_change: ctime + 100,
      status: 0,
      eldest_seqno: 1,
    },
    profile: { mtime: ctime, full_name: fullName, location: null, bio: null },
    public_keys: publicKeys,
    proofs_summary: {
      all: proofs,
      by_presentation_group: byGroup,
      by_sig_id: bySig,
      has_web: proofs.some((p) => WEB_SERVICES.has(p.proof_type)),
    },
    cryptocurrency_addresses: {},
    devices: {},
  };
}

async function primaryObject(k: IndexedKey, primaryKid: string): Promise<Record<string, unknown>> {
  const created = seconds(k.key.getCreationTime());
  let etime: number | null = null;
  try {
    const expiry = await k.key.getExpirationTime();
    if (expiry instanceof Date) etime = seconds(expiry);
  } catch {
    etime = null; // e.g. a key without user IDs
  }
  return {
    kid: primaryKid,
    key_type: 1,
    bundle: k.armored,
    mtime: created,
    ctime: created,
    ukbid: hex(`ukbid:${k.fingerprint}`, 32),
    key_fingerprint: k.fingerprint,
    key_bits: keyBits(k.key),
    key_algo: k.key.keyPacket.algorithm,
    signing_kid: null,
    key_level: 0,
    etime,
    eldest_kid: null,
    status: 0,
    self_signed: true,
  };
}

interface ProofObject {
  proof_type: string;
  nametag: string;
  state: number;
  service_url: string;
  proof_url: string;
  human_url: string;
  sig_id: string;
  proof_id: string;
  presentation_group: string;
  presentation_tag: string;
}

function proofObject(username: string, proof: KeybaseProof): ProofObject {
  const web = WEB_SERVICES.has(proof.service);
  return {
    proof_type: proof.service,
    nametag: proof.name,
    state: 1,
    service_url: serviceUrl(proof),
    proof_url: proof.url,
    human_url: proof.url,
    sig_id: hex(`sig:${username}:${proof.service}:${proof.name}`, 64) + '0f',
    proof_id: hex(`proof:${username}:${proof.service}:${proof.name}`, 22),
    presentation_group: web ? proof.name : proof.service,
    presentation_tag: proof.service === 'dns' ? 'dns' : web ? 'https' : proof.service,
  };
}

function serviceUrl(proof: KeybaseProof): string {
  switch (proof.service) {
    case 'github':
      return `https://github.com/${proof.name}`;
    case 'twitter':
      return `https://twitter.com/${proof.name}`;
    case 'reddit':
      return `https://reddit.com/user/${proof.name}`;
    case 'hackernews':
      return `https://news.ycombinator.com/user?id=${proof.name}`;
    case 'dns':
      return `dns://${proof.name}`;
    case 'generic_web_site':
      return `https://${proof.name}`;
    default:
      return proof.url;
  }
}

/**
 * KID of a PGP key: `01`, the OpenPGP algorithm id, SHA-256 of the serialized
 * primary key packet (new-format header + body), `0a` (keybase.io/docs/api/1.0/kid).
 */
function kid(key: Key): string {
  const body = key.keyPacket.write();
  const header = newFormatHeader(6, body.length);
  const digest = createHash('sha256').update(header).update(body).digest('hex');
  return `01${key.keyPacket.algorithm.toString(16).padStart(2, '0')}${digest}0a`;
}

/** An EdDSA device KID (`0120…0a`) for users without a PGP key. */
function deviceKid(username: string): string {
  return `0120${hex(`device:${username}`, 64)}0a`;
}

function newFormatHeader(tag: number, length: number): Uint8Array {
  if (length < 192) return Uint8Array.of(0xc0 | tag, length);
  if (length < 8384) {
    const l = length - 192;
    return Uint8Array.of(0xc0 | tag, (l >> 8) + 192, l & 0xff);
  }
  return Uint8Array.of(0xc0 | tag, 0xff, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

function keyBits(key: Key): number {
  const info = key.getAlgorithmInfo();
  if (info.bits) return info.bits;
  if (info.algorithm === 'ed448' || info.algorithm === 'x448') return 448;
  switch (info.curve) {
    case 'nistP384':
    case 'brainpoolP384r1':
      return 384;
    case 'nistP521':
      return 521;
    case 'brainpoolP512r1':
      return 512;
    default:
      return 256;
  }
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').repeat(2).slice(0, length);
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
