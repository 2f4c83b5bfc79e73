// The detached-signature corpus of `npm run bench` (issue 14), generated once under .bench/ and reused:
//   detached-500/  keys.asc (pledge), keyring.gpg (gpgv), docs/canary-NNN.txt beside
//                  canary-NNN.txt.sig.alice (armored, text type), .sig.bob (binary), .sig.carol (armored, binary type),
//                  pairs.txt (one "SIG<TAB>DOC" line per signature file, for the gpgv loop), meta.json (written last)
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

export const DETACHED_DOCUMENTS = 500;
const SIGNERS = [
  { name: 'alice', type: 'ecc', armored: true, text: true },
  { name: 'bob', type: 'rsa', armored: false, text: false },
  { name: 'carol', type: 'ecc', armored: true, text: false },
];

const canaryText = (n) => `Warrant canary ${n + 1}\n\nAs of this statement we have received no secret orders, gag orders or searches.\nThe security team.\n`;

export async function ensureDetachedCorpus(root, fresh, log) {
  const dir = join(root, `detached-${DETACHED_DOCUMENTS}`);
  const paths = { dir, docs: join(dir, 'docs'), keys: join(dir, 'keys.asc'), keyring: join(dir, 'keyring.gpg'), pairs: join(dir, 'pairs.txt') };
  const meta = fresh || !existsSync(join(dir, 'meta.json')) ? null : JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  if (meta?.documents === DETACHED_DOCUMENTS) return { ...paths, meta, generated: false };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(paths.docs, { recursive: true });
  const started = performance.now();
  log(`generating ${DETACHED_DOCUMENTS} statements × ${SIGNERS.length} detached signatures with openpgp.js…`);
  const keys = [];
  for (const signer of SIGNERS) {
    const options = signer.type === 'rsa' ? { type: 'rsa', rsaBits: 2048 } : { type: 'ecc', curve: 'ed25519Legacy' };
    const { privateKey } = await openpgp.generateKey({ ...options, userIDs: [{ name: signer.name, email: `${signer.name}@pledge.example` }], format: 'object' });
    keys.push(privateKey);
  }
  writeFileSync(paths.keys, keys.map((key) => key.toPublic().armor()).join('\n'));
  writeFileSync(paths.keyring, Buffer.concat(keys.map((key) => key.toPublic().write())));
  const pairs = [];
  for (let n = 0; n < DETACHED_DOCUMENTS; n++) {
    const name = `canary-${String(n).padStart(3, '0')}.txt`;
    const text = canaryText(n);
    writeFileSync(join(paths.docs, name), text);
    for (const [index, signer] of SIGNERS.entries()) {
      const message = signer.text ? await openpgp.createMessage({ text }) : await openpgp.createMessage({ binary: Buffer.from(text) });
      const options = { message, signingKeys: keys[index], detached: true };
      const signature = signer.armored ? await openpgp.sign({ ...options, format: 'armored' }) : await openpgp.sign({ ...options, format: 'binary' });
      const file = join(paths.docs, `${name}.sig.${signer.name}`);
      writeFileSync(file, signature);
      pairs.push(`${file}\t${join(paths.docs, name)}`);
    }
  }
  writeFileSync(paths.pairs, pairs.join('\n') + '\n');
  const newMeta = { documents: DETACHED_DOCUMENTS, signatures: pairs.length, createdAt: new Date().toISOString(), seconds: +((performance.now() - started) / 1000).toFixed(1) };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(newMeta, null, 2) + '\n');
  return { ...paths, meta: newMeta, generated: true };
}
