// Benchmark: the node:crypto fast path (src/verify/fast-verify.ts) against openpgp.js.
//
// Runs on the build output, so build first:
//   npm run build && node scripts/bench-verify.mjs [signatures-per-key]        (default 2000)
// or, without touching dist/ (.bench/ is git-ignored):
//   npx tsc -p tsconfig.build.json --outDir .bench/dist && PLEDGE_DIST=.bench/dist node scripts/bench-verify.mjs
//
// For each key type it signs N short statements as cleartext, reads them back the way
// parse-block.ts does, then times, one signature after another on this one thread:
//   fast       prepareKey once per key, then fastVerify per signature
//   packet     openpgp.js SignaturePacket.verify over a literal packet (verify-signature.ts mathematicsHold)
//   verify()   openpgp.js verify() on a CleartextMessage with one key (verify-signature.ts openpgpVerifies)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as openpgp from 'openpgp';

const dist = resolve(process.env.PLEDGE_DIST ?? new URL('../dist', import.meta.url).pathname);
const { fastVerify, prepareKey } = await import(pathToFileURL(`${dist}/verify/fast-verify.js`).href);
const { literalTextPacket, cleartextMessageWith } = await import(pathToFileURL(`${dist}/openpgp/messages.js`).href);
const { MATH_ONLY_CONFIG, STRICT_CONFIG } = await import(pathToFileURL(`${dist}/openpgp/config.js`).href);

const N = Number(process.argv[2] ?? 2000);
const KEYS = [
  ['Ed25519Legacy v4', { type: 'ecc', curve: 'ed25519Legacy' }],
  ['Ed25519 v4', { type: 'curve25519', config: { v6Keys: false } }],
  ['Ed25519 v6', { type: 'curve25519', config: { v6Keys: true } }],
  ['RSA-2048 v4', { type: 'rsa', rsaBits: 2048 }],
];

async function corpus(options) {
  const { privateKey, publicKey } = await openpgp.generateKey({ userIDs: [{ name: 'Bench', email: 'bench@example.org' }], format: 'object', ...options });
  const items = [];
  for (let i = 0; i < N; i++) {
    const text = `I, Bench <bench@example.org>, state that statement #${i} is mine.\nThe key below signs it.\n  Trailing spaces are not signed.   \n`;
    const armored = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: privateKey });
    const message = await openpgp.readCleartextMessage({ cleartextMessage: armored, config: STRICT_CONFIG });
    items.push({ text: message.getText(), packet: message.signature.packets[0] });
  }
  return { publicKey, items };
}

async function time(label, items, run) {
  const start = process.hrtime.bigint();
  let ok = 0;
  for (const item of items) if ((await run(item)) === true) ok++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { label, rate: items.length / seconds, ok };
}

console.log(`node ${process.version}, ${N} signatures per key, one thread, sequential`);
console.log('key                 fast/s     packet/s   verify()/s   fast÷packet   fast÷verify()   (verified: fast, packet, verify())');
for (const [name, options] of KEYS) {
  const { publicKey, items } = await corpus(options);
  const prepared = prepareKey(publicKey.keyPacket);
  if (!prepared) throw new Error(`prepareKey refused ${name}`);
  // Warm-up, so that JIT and openpgp.js's lazy imports are not timed.
  for (const item of items.slice(0, 50)) {
    await fastVerify(item.text, item.packet, prepared);
    await item.packet.verify(publicKey.keyPacket, item.packet.signatureType, literalTextPacket(item.text), null, true, MATH_ONLY_CONFIG);
  }
  const fast = await time('fast', items, (item) => fastVerify(item.text, item.packet, prepared));
  const packet = await time('packet', items, async (item) => {
    try {
      await item.packet.verify(publicKey.keyPacket, item.packet.signatureType, literalTextPacket(item.text), null, true, MATH_ONLY_CONFIG);
      return true;
    } catch {
      return false;
    }
  });
  const full = await time('verify()', items, async (item) => {
    try {
      const result = await openpgp.verify({ message: cleartextMessageWith(item.text, [item.packet]), verificationKeys: [publicKey], config: STRICT_CONFIG, expectSigned: false });
      await result.signatures[0].verified;
      return true;
    } catch {
      return false;
    }
  });
  const f = (x) => Math.round(x).toLocaleString('en-US').padStart(9);
  console.log(
    `${name.padEnd(18)} ${f(fast.rate)}  ${f(packet.rate)}  ${f(full.rate)}    ${(fast.rate / packet.rate).toFixed(1).padStart(8)}×   ${(fast.rate / full.rate).toFixed(1).padStart(10)}×      (${fast.ok}, ${packet.ok}, ${full.ok} of ${N})`,
  );
}
