/**
 * Imitation of a Web Key Directory (draft-koch-openpgp-webkey-service):
 *   advanced: /.well-known/openpgpkey/<domain>/hu/<zb32>  and  /.well-known/openpgpkey/<domain>/policy
 *   direct:   /.well-known/openpgpkey/hu/<zb32>           and  /.well-known/openpgpkey/policy
 * GET and HEAD, `?l=` ignored, binary keys as `application/octet-stream`, 404 on a miss.
 * The advanced layout needs DNS for `openpgpkey.<domain>`, so clients are pointed
 * at this server with an origin override.
 */
import type { Handler, Reply } from '../http-server.js';
import { textReply } from '../http-server.js';

export type WkdLayout = 'advanced' | 'direct' | 'both';

export interface WkdEntry {
  /** Full address; only its local part is hashed. Several entries for one address are concatenated. */
  email: string;
  binaryKeys: Uint8Array;
}

export interface WkdOptions {
  domain: string;
  entries: WkdEntry[];
  layout: WkdLayout;
  /** Body of the policy file(s); empty by default. */
  policy?: string;
}

const WELL_KNOWN = '/.well-known/openpgpkey/';

// The hash is pledge's own (src), checked against the draft's worked examples in servers.test.ts.
export { wkdHash, zbase32 } from '../../../src/discovery/sources/wkd-url.js';
import { wkdHash } from '../../../src/discovery/sources/wkd-url.js';

export function wkdHandler(options: WkdOptions): Handler {
  const domain = options.domain.toLowerCase();
  const byHash = new Map<string, Uint8Array[]>();
  for (const entry of options.entries) {
    const at = entry.email.lastIndexOf('@');
    if (at <= 0) throw new Error(`wkdHandler: not an address: ${entry.email}`);
    const hash = wkdHash(entry.email.slice(0, at));
    const list = byHash.get(hash) ?? [];
    list.push(entry.binaryKeys);
    byHash.set(hash, list);
  }
  const advanced = options.layout !== 'direct';
  const direct = options.layout !== 'advanced';
  const policy = options.policy ?? '';

  return (req) => {
    if (!req.path.startsWith(WELL_KNOWN)) return textReply(404, 'Not Found');
    const rest = req.path.slice(WELL_KNOWN.length).split('/');
    let target: string[] | undefined;
    if (direct && (rest[0] === 'hu' || rest[0] === 'policy')) target = rest;
    else if (advanced && rest[0] === domain) target = rest.slice(1);
    if (!target) return textReply(404, 'Not Found');

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return textReply(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    }
    if (target.length === 1 && target[0] === 'policy') {
      return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Access-Control-Allow-Origin': '*' }, body: policy };
    }
    if (target.length === 2 && target[0] === 'hu' && target[1] !== undefined) {
      const keys = byHash.get(target[1]);
      if (keys) return keyReply(keys);
    }
    return textReply(404, 'Not Found');
  };
}

function keyReply(keys: Uint8Array[]): Reply {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/octet-stream', 'Access-Control-Allow-Origin': '*' },
    body: Buffer.concat(keys),
  };
}
