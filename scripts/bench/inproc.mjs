// One in-process timing, in a fresh Node process so that its peak RSS is its own:
//   node scripts/bench/inproc.mjs pledge    KEYS DOCS        verifyDocuments from dist/
//   node scripts/bench/inproc.mjs openpgp   KEYS DOCS N [LIMIT]   openpgp.js, N verifications in flight
//   node scripts/bench/inproc.mjs ceiling   KEYS DOCS N      the mathematics alone: pledge's node:crypto
//        fast path over signatures parsed and keys prepared before the clock starts, N in flight
// Modules are loaded before the clock starts; reading the keys and listing the documents are
// timed. Prints one JSON line: { seconds, cpuSeconds, documents, verified, failed, maxRssKB }.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

const [mode, keysDir, docsDir, inFlightArg, limitArg] = process.argv.slice(2);

async function pledge() {
  const { verifyDocuments } = await import('../../dist/pipeline/run.js');
  const started = performance.now();
  // As the CLI runs it: documents read on their own thread (the bench sets UV_THREADPOOL_SIZE as bin/pledge.cjs does).
  const manifest = await verifyDocuments({ paths: [docsDir], keyrings: [keysDir], version: 'bench', readerThread: true });
  const seconds = (performance.now() - started) / 1000;
  const { documents, verified, failed } = manifest.summary;
  return { seconds, documents, verified, failed };
}

async function plainOpenPGP() {
  const inFlight = Number(inFlightArg ?? 1);
  const limit = limitArg ? Number(limitArg) : Infinity;
  const started = performance.now();
  const byKeyID = new Map();
  for (const name of readdirSync(keysDir).sort()) {
    for (const key of await openpgp.readKeys({ armoredKeys: readFileSync(join(keysDir, name), 'utf8') })) {
      for (const part of [key, ...key.subkeys]) byKeyID.set(part.getKeyID().toHex(), key);
    }
  }
  const files = readdirSync(docsDir)
    .sort()
    .slice(0, limit)
    .map((name) => join(docsDir, name));
  let verified = 0;
  let next = 0;
  const one = async (file) => {
    const message = await openpgp.readCleartextMessage({ cleartextMessage: await readFile(file, 'utf8') });
    const key = byKeyID.get(message.getSigningKeyIDs()[0]?.toHex());
    if (!key) return false;
    const { signatures } = await openpgp.verify({ message, verificationKeys: [key] });
    try {
      return (await signatures[0].verified) === true;
    } catch {
      return false;
    }
  };
  const lane = async () => {
    while (next < files.length) if (await one(files[next++])) verified++;
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, documents: files.length, verified, failed: files.length - verified };
}

async function ceiling() {
  const { fastParseCleartext } = await import('../../dist/cleartext/fast-parse.js');
  const { fastVerify, prepareKey } = await import('../../dist/verify/fast-verify.js');
  const inFlight = Number(inFlightArg ?? 64);
  const byKeyID = new Map();
  for (const name of readdirSync(keysDir).sort()) {
    for (const key of await openpgp.readKeys({ armoredKeys: readFileSync(join(keysDir, name), 'utf8') })) {
      for (const part of [key, ...key.subkeys]) byKeyID.set(part.getKeyID().toHex(), prepareKey(part.keyPacket));
    }
  }
  const items = readdirSync(docsDir)
    .sort()
    .map((name) => {
      const parsed = fastParseCleartext(readFileSync(join(docsDir, name), 'utf8'));
      const packet = parsed?.packets[0];
      return { text: parsed?.signedText, packet, key: packet && byKeyID.get(packet.issuerKeyID.toHex()) };
    });
  const started = performance.now();
  let verified = 0;
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item.key && (await fastVerify(item.text, item.packet, item.key)) === true) verified++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, documents: items.length, verified, failed: items.length - verified };
}

const modes = { pledge, openpgp: plainOpenPGP, ceiling };
if (!modes[mode]) throw new Error(`unknown mode ${mode}`);
const cpu = process.cpuUsage();
const result = await modes[mode]();
const { user, system } = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ ...result, cpuSeconds: (user + system) / 1e6, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
