/**
 * Imitation of `https://github.com/<user>.gpg`.
 *
 * GitHub answers `200 text/plain` with ONE armor block holding the packets of
 * every key the user uploaded, concatenated in upload order with their original
 * bytes (github.com/web-flow.gpg mixes a new-format `xsBN…` key and an
 * old-format `…mQIN…`-style key in a single block), no armor headers, 64-column
 * base64 and a CRC line. An existing user without keys gets a placeholder block
 * (`Note:` header, no data); an unknown user gets 404.
 *
 * NB: openpgp.js `readKeys({ armoredKeys })` reads only the FIRST armor block of
 * a text, so a multi-block body would silently lose keys; a single block with
 * several keys is read completely.
 */
import { unarmor } from 'openpgp';
import type { Handler } from '../http-server.js';
import { textReply } from '../http-server.js';

export interface GithubOptions {
  /** Login → armored keys. Logins are matched case-insensitively, as on GitHub. */
  users: Record<string, string[]>;
}

/**
 * What github.com/<user>.gpg returns for an existing user with no GPG keys
 * (the same bytes Gitea reproduces in its TestExportUserGPGKeys): an armor
 * block with a `Note:` header, no data and the CRC of empty input.
 */
export const GITHUB_NO_KEYS_BODY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nNote: This user hasn't uploaded any GPG keys.\n\n\n=twTO\n-----END PGP PUBLIC KEY BLOCK-----\n";

export function githubHandler(options: GithubOptions): Handler {
  const users = new Map(Object.entries(options.users).map(([login, keys]) => [login.toLowerCase(), keys]));
  const bodies = new Map<string, Promise<string>>();
  return async (req) => {
    const match = /^\/([A-Za-z0-9-]+)\.gpg$/.exec(req.path);
    const login = match?.[1]?.toLowerCase();
    const keys = login === undefined ? undefined : users.get(login);
    if (login === undefined || !keys) {
      return {
        status: 404,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
        body: '<!DOCTYPE html>\n<html><head><title>Page not found · GitHub</title></head><body>Not Found</body></html>\n',
      };
    }
    if (keys.length === 0) return textReply(200, GITHUB_NO_KEYS_BODY);
    let body = bodies.get(login);
    if (!body) {
      body = githubArmor(keys);
      bodies.set(login, body);
    }
    return textReply(200, await body);
  };
}

/** One `PUBLIC KEY BLOCK` with the original packets of all `armoredKeys`, formatted as GitHub does. */
export async function githubArmor(armoredKeys: string[]): Promise<string> {
  const parts: Uint8Array[] = [];
  for (const armored of armoredKeys) {
    const { data } = await unarmor(armored);
    if (!(data instanceof Uint8Array)) throw new Error('githubArmor: unexpected stream');
    parts.push(data);
  }
  const bytes = Buffer.concat(parts);
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${lines.join('\n')}\n=${crc24(bytes)}\n-----END PGP PUBLIC KEY BLOCK-----\n`;
}

/** OpenPGP armor checksum (RFC 9580 §6.1), base64 of the 24-bit CRC. */
function crc24(bytes: Uint8Array): string {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  crc &= 0xffffff;
  return Buffer.from([(crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
}
