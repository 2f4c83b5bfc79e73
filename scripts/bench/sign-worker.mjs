// Worker thread: signs its share of the corpus with openpgp.js and writes the documents.
// workerData: { signers: armored private keys by signer index, jobs: [{ path, signer, text }] }
import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as openpgp from 'openpgp';

const config = { preferredHashAlgorithm: openpgp.enums.hash.sha512 };
const keys = new Map();
const keyFor = async (index) => {
  let key = keys.get(index);
  if (!key) {
    key = await openpgp.readPrivateKey({ armoredKey: workerData.signers[index] });
    keys.set(index, key);
  }
  return key;
};

for (const job of workerData.jobs) {
  const message = await openpgp.createCleartextMessage({ text: job.text });
  const armored = await openpgp.sign({ message, signingKeys: await keyFor(job.signer), config });
  // GnuPG 2.2 needs the Hash header to know which digest the signature uses.
  if (!armored.startsWith('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n')) throw new Error(`${job.path}: openpgp.js did not sign with a "Hash: SHA512" header`);
  writeFileSync(job.path, armored);
}
parentPort.postMessage({ done: workerData.jobs.length });
