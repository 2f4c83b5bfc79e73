import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.js';

/*
 * dist/bundle/openpgp.cjs is openpgp.js's own minified build with noble-ciphers' AES tables made
 * on first use (scripts/bundle/lazy-aes-tables.mjs, issue 15): building them cost every run
 * about 3.5 ms, for a cipher verification never uses. What must hold: nothing is built at load,
 * and AES still encrypts and decrypts exactly as the untouched build does.
 */
const require = createRequire(import.meta.url);
const BUNDLED = join(REPO, 'dist', 'bundle', 'openpgp.cjs');
const { lazyAesTables } = (await import(pathToFileURL(join(REPO, 'scripts', 'bundle', 'lazy-aes-tables.mjs')).href)) as { lazyAesTables: (text: string) => string };
type OpenPGP = typeof openpgp;

/** A build evaluated with a Uint32Array that counts the 65,536-entry tables made, at load and after. */
function loadCounting(text: string): { pgp: OpenPGP; tables: () => number } {
  let tables = 0;
  const counting = new Proxy(Uint32Array, {
    construct(target, args: [number]) {
      if (args[0] === 65536) tables++;
      return new target(...args);
    },
  });
  const module = { exports: {} };
  runInThisContext(`(function (exports, require, module, __filename, __dirname, Uint32Array) {${text}\n})`)(module.exports, require, module, BUNDLED, join(BUNDLED, '..'), counting);
  return { pgp: module.exports as OpenPGP, tables: () => tables };
}

/** A message encrypted to a password by one build, with AES in OCB mode (noble-ciphers' block code, not node:crypto's CFB). */
async function encryptWith(pgp: OpenPGP, text: string, cipher: openpgp.enums.symmetric): Promise<string> {
  const message = await pgp.createMessage({ text });
  const config = { aeadProtect: true, preferredAEADAlgorithm: pgp.enums.aead.ocb, preferredSymmetricAlgorithm: cipher, s2kType: pgp.enums.s2k.iterated as openpgp.enums.s2k.iterated };
  return (await pgp.encrypt({ message, passwords: ['pledge'], config })) as string;
}

async function decryptWith(pgp: OpenPGP, armored: string): Promise<string> {
  const message = await pgp.readMessage({ armoredMessage: armored });
  return (await pgp.decrypt({ message, passwords: ['pledge'] })).data as string;
}

describe("the bundle's openpgp.js (issue 15)", () => {
  const original = readFileSync(require.resolve('openpgp'), 'utf8');

  it('builds no AES table while it loads; the untouched build builds four', () => {
    expect(loadCounting(original).tables()).toBe(4);
    expect(loadCounting(lazyAesTables(original)).tables()).toBe(0);
    // The build wrote exactly that transform (the code cache beside it is only speed).
    expect(readFileSync(BUNDLED, 'utf8')).toBe(lazyAesTables(original));
  });

  it('encrypts and decrypts with AES-128, -192 and -256 as the untouched build does, both ways', async () => {
    const { pgp: bundled, tables } = loadCounting(readFileSync(BUNDLED, 'utf8'));
    for (const cipher of [openpgp.enums.symmetric.aes128, openpgp.enums.symmetric.aes192, openpgp.enums.symmetric.aes256]) {
      const text = `a statement for cipher ${cipher}\n`.repeat(40);
      expect(await decryptWith(openpgp, await encryptWith(bundled, text, cipher))).toBe(text);
      expect(await decryptWith(bundled, await encryptWith(openpgp, text, cipher))).toBe(text);
    }
    // The tables those ciphers read were made, on first use: both directions' (two arrays each).
    expect(tables()).toBe(4);
  });

  it('refuses a build whose AES tables are no longer where it expects them, rather than skip the change', () => {
    expect(() => lazyAesTables('"use strict";const x=1;')).toThrow(/0 AES table generators .* update this file/);
    const generator = 'function sr(e,t){if(256!==e.length)throw Error("Wrong sbox length");return{}}';
    expect(() => lazyAesTables(`${generator}const a=/* @__PURE__ */sr(b,c);`)).toThrow(/1 AES tables .* expected 2/);
    expect(() => lazyAesTables(`${generator}const a=/* @__PURE__ */sr(b,")"),d=/* @__PURE__ */sr(e,f);`)).toThrow(/arguments are not as expected/);
  });
});
