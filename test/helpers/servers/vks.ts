/**
 * Imitation of keys.openpgp.org's VKS API (Hagrid, keys.openpgp.org/about/api):
 *   GET /vks/v1/by-fingerprint/<UPPER 40|64 hex>   primary or subkey
 *   GET /vks/v1/by-keyid/<UPPER 16 hex>            primary or subkey
 *   GET /vks/v1/by-email/<percent-encoded address> user IDs present in the served key
 * Keys are served exactly as given (they may lack user IDs, as Hagrid publishes
 * keys whose addresses were never verified).
 */
import {
  PacketList,
  SignaturePacket,
  UserAttributePacket,
  UserIDPacket,
  armor,
  enums,
  readKeys,
} from 'openpgp';
import type { AnyPacket } from 'openpgp';
import type { Handler, Reply } from '../http-server.js';
import { textReply } from '../http-server.js';

export interface VksOptions {
  /** Armored keys, one certificate per string, served byte for byte. */
  keys: string[];
}

interface ServedKey {
  armored: string;
  primaryFingerprint: string; // upper-case
  fingerprints: Set<string>; // upper-case, primary + subkeys
  keyIDs: Set<string>; // upper-case 16 hex, primary + subkeys
  emails: Set<string>; // lower-case
}

const PREFIX = '/vks/v1/';
const UPPER_FPR = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/;
const ANY_FPR = /^(?:0x)?(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/;
const UPPER_KEYID = /^[0-9A-F]{16}$/;
const ANY_KEYID = /^(?:0x)?[0-9A-Fa-f]{16}$/;
const EMAIL = /^[^@\s<>]+@[^@\s<>]+$/;

export function vksHandler(options: VksOptions): Handler {
  let index: Promise<ServedKey[]> | undefined;
  const served = (): Promise<ServedKey[]> => (index ??= indexKeys(options.keys));

  return async (req) => {
    if (!req.path.startsWith(PREFIX)) return textReply(404, 'Not Found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return textReply(405, 'Method Not Allowed');
    const [kind, value, ...rest] = req.path.slice(PREFIX.length).split('/');
    if (value === undefined || rest.length > 0) return textReply(404, 'Not Found');
    const keys = await served();

    switch (kind) {
      case 'by-fingerprint': {
        if (!ANY_FPR.test(value)) return textReply(400, `Invalid fingerprint: ${value}`);
        if (value.startsWith('0x')) return textReply(400, `Invalid fingerprint: ${value} (the 0x prefix is not allowed)`);
        const hit = UPPER_FPR.test(value) ? keys.find((k) => k.fingerprints.has(value)) : undefined;
        return hit ? keyReply(hit) : textReply(404, `No key found for fingerprint ${value}`);
      }
      case 'by-keyid': {
        if (!ANY_KEYID.test(value)) return textReply(400, `Invalid key id: ${value}`);
        if (value.startsWith('0x')) return textReply(400, `Invalid key id: ${value} (the 0x prefix is not allowed)`);
        const hit = UPPER_KEYID.test(value) ? keys.find((k) => k.keyIDs.has(value)) : undefined;
        return hit ? keyReply(hit) : textReply(404, `No key found for key id ${value}`);
      }
      case 'by-email': {
        let address: string;
        try {
          address = decodeURIComponent(value);
        } catch {
          return textReply(400, `Invalid e-mail address: ${value}`);
        }
        if (!EMAIL.test(address)) return textReply(400, `Invalid e-mail address: ${address}`);
        const wanted = address.toLowerCase();
        const hit = keys.find((k) => k.emails.has(wanted));
        return hit ? keyReply(hit) : textReply(404, `No key found for e-mail address ${address}`);
      }
      default:
        return textReply(404, 'Not Found');
    }
  };
}

function keyReply(key: ServedKey): Reply {
  return {
    status: 200,
    headers: {
      'Content-Type': 'application/pgp-keys',
      'Content-Disposition': `attachment; filename="${key.primaryFingerprint}.asc"`,
      'Access-Control-Allow-Origin': '*',
    },
    body: key.armored,
  };
}

async function indexKeys(armoredKeys: string[]): Promise<ServedKey[]> {
  const out: ServedKey[] = [];
  for (const armored of armoredKeys) {
    const keys = await readKeys({ armoredKeys: armored });
    const first = keys[0];
    if (!first) throw new Error('vksHandler: no key in armored text');
    const served: ServedKey = {
      armored,
      primaryFingerprint: first.getFingerprint().toUpperCase(),
      fingerprints: new Set(),
      keyIDs: new Set(),
      emails: new Set(),
    };
    for (const key of keys) {
      for (const k of key.getKeys()) {
        served.fingerprints.add(k.getFingerprint().toUpperCase());
        served.keyIDs.add(k.getKeyID().toHex().toUpperCase());
      }
      for (const user of key.users) {
        const email = user.userID?.email;
        if (email) served.emails.add(email.toLowerCase());
      }
    }
    out.push(served);
  }
  return out;
}

/**
 * Returns `armoredKey` with every User ID and User Attribute packet and the
 * certifications that follow them removed, as keys.openpgp.org publishes a key
 * whose addresses are unverified. Key, subkey, direct-key and binding
 * signatures are kept. Several keys in one armor stay together.
 */
export async function stripUserIDs(armoredKey: string): Promise<string> {
  const keys = await readKeys({ armoredKeys: armoredKey });
  const kept = new PacketList<AnyPacket>();
  for (const key of keys) {
    let inUserPacket = false;
    for (const packet of key.toPacketList()) {
      if (packet instanceof UserIDPacket || packet instanceof UserAttributePacket) {
        inUserPacket = true;
        continue;
      }
      if (packet instanceof SignaturePacket) {
        if (inUserPacket) continue;
      } else {
        inUserPacket = false;
      }
      kept.push(packet);
    }
  }
  return armor(enums.armor.publicKey, kept.write());
}
