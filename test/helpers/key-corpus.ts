import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unarmor, type Key } from 'openpgp';
import { STRICT_CONFIG } from '../../src/openpgp/config.js';
import { REPO } from './run-cli.js';

const BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

/** Every key block of the fixture keys and the real-world keys, dearmored: what differential tests run over. */
export async function binaryKeys(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const realworld = join(REPO, 'fixtures/realworld');
  const files = [
    ...readdirSync(join(REPO, 'fixtures/keys')).map((name) => join(REPO, 'fixtures/keys', name)),
    ...readdirSync(realworld, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(join(realworld, entry.name)).filter((name) => /^key.*\.asc$/.test(name)).map((name) => join(realworld, entry.name, name))),
  ];
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const file of files) {
    for (const block of readFileSync(file, 'latin1').match(BLOCK) ?? []) {
      const data = await unarmor(block).then((result) => result.data as Uint8Array).catch(() => null);
      if (data) out.push({ name: file, bytes: data });
    }
  }
  return out;
}

/** What a key is, as far as pledge uses it: its bytes, names and what openpgp.js concludes about it. */
export async function portrait(key: Key) {
  const outcome = async (work: () => Promise<unknown>) => work().then((value) => (value instanceof Date ? value.toISOString() : String(value)), (error: Error) => `throws ${error.message}`);
  const at = new Date('2025-06-01T00:00:00Z');
  const config = STRICT_CONFIG as never;
  return {
    bytes: Buffer.from(key.write() as Uint8Array).toString('hex'),
    fingerprint: key.getFingerprint(),
    userIDs: key.getUserIDs(),
    subkeys: key.subkeys.map((subkey) => subkey.getFingerprint()),
    primary: await outcome(() => key.verifyPrimaryKey(at, undefined, config)),
    revoked: await outcome(() => key.isRevoked(undefined, undefined, at, config)),
    expires: await outcome(() => key.getExpirationTime(undefined, config)),
    signing: await outcome(async () => (await key.getSigningKey(undefined, at, undefined, config)).getFingerprint()),
    users: await Promise.all(key.users.map((user) => outcome(() => user.verify(at, config)))),
    subkeyVerdicts: await Promise.all(key.subkeys.map((subkey) => outcome(() => subkey.verify(at, config)))),
  };
}
