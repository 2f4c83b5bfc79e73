import * as openpgp from 'openpgp';

export interface TestSigner {
  privateKey: openpgp.PrivateKey;
  armoredPublicKey: string;
  fingerprint: string;
}

/** An Ed25519 key made in the test, for cases that need no GnuPG oracle. */
export async function createSigner(userID = 'Test Signer <signer@example.org>', date = new Date('2024-01-01T00:00:00Z')): Promise<TestSigner> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [parseUserID(userID)],
    date,
    format: 'object',
  });
  return { privateKey, armoredPublicKey: publicKey.armor(), fingerprint: publicKey.getFingerprint().toUpperCase() };
}

function parseUserID(userID: string): { name: string; email: string } {
  const match = /^(.*) <(.*)>$/.exec(userID);
  return match ? { name: match[1]!, email: match[2]! } : { name: userID, email: '' };
}

/** A cleartext-signed block as openpgp.js writes it (with a Hash: header, like GnuPG). */
export async function clearsign(text: string, signers: TestSigner[], date = new Date('2024-06-01T00:00:00Z')): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- openpgp.js's typings have no overload for a CleartextMessage, whose armored signature is a string
  return openpgp.sign({ message, signingKeys: signers.map((s) => s.privateKey), date, format: 'armored' }) as Promise<string>;
}
