import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readKeys, unarmor } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { dearmorKeyBlock, readAllKeys } from '../../src/discovery/read-keys.js';
import { REPO } from '../helpers/run-cli.js';

/**
 * The key armor reader must give exactly the bytes openpgp.js's unarmor gives, or leave the block
 * to unarmor (null). Blocks are cut from files as readAllKeys cuts them.
 */
const BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

function keyFiles(): string[] {
  const realworld = join(REPO, 'fixtures/realworld');
  return [
    ...readdirSync(join(REPO, 'fixtures/keys')).map((name) => join(REPO, 'fixtures/keys', name)),
    ...readdirSync(realworld, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        readdirSync(join(realworld, entry.name))
          .filter((name) => /^key.*\.asc$/.test(name))
          .map((name) => join(realworld, entry.name, name)),
      ),
  ];
}

async function unarmored(block: string): Promise<string | null> {
  try {
    return Buffer.from((await unarmor(block)).data as Uint8Array).toString('hex');
  } catch {
    return null;
  }
}

/** True when the fast reader took the block (and then gave unarmor's bytes). */
async function expectSameAsUnarmor(block: string): Promise<boolean> {
  const fast = dearmorKeyBlock(block);
  if (!fast) return false;
  expect(Buffer.from(fast).toString('hex')).toBe(await unarmored(block));
  return true;
}

const blocksOf = (text: string) => text.match(BLOCK) ?? [];

describe('dearmorKeyBlock', () => {
  it('reads the fixture and real-world key files as unarmor does', async () => {
    let handled = 0;
    let total = 0;
    for (const file of keyFiles()) {
      for (const block of blocksOf(readFileSync(file, 'latin1'))) {
        total++;
        if (await expectSameAsUnarmor(block)) handled++;
      }
    }
    expect(total).toBeGreaterThan(30);
    expect(handled / total).toBeGreaterThan(0.8);
  });

  it('agrees with unarmor on mutated blocks', async () => {
    const block = blocksOf(readFileSync(join(REPO, 'fixtures/keys/alice.asc'), 'latin1'))[0]!;
    const lines = block.split('\n');
    let handled = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom('none', 'byte', 'drop-line', 'crlf', 'header', 'bad-header', 'space', 'blank', 'no-checksum', 'split-line', 'dash'),
        fc.constantFrom('A', '=', ' ', '\t', '-', ':', '\r', '+', '/'),
        async (position, mutation, character) => {
          const copy = [...lines];
          const at = 1 + (position % (copy.length - 2));
          switch (mutation) {
            case 'byte': {
              const line = copy[at]!;
              const i = position % Math.max(1, line.length);
              copy[at] = line.slice(0, i) + character + line.slice(i + 1);
              break;
            }
            case 'drop-line':
              copy.splice(at, 1);
              break;
            case 'crlf':
              copy[at] += '\r';
              break;
            case 'header':
              copy.splice(1, 0, `Comment: key ${position}`);
              break;
            case 'bad-header':
              copy.splice(1, 0, `Comment${character}x`);
              break;
            case 'space':
              copy[at] += character;
              break;
            case 'blank':
              copy.splice(at, 0, character === ' ' ? ' ' : '');
              break;
            case 'no-checksum':
              if (copy.at(-2)!.startsWith('=')) copy.splice(-2, 1);
              break;
            case 'split-line': {
              const line = copy[at]!;
              copy.splice(at, 1, line.slice(0, position % (line.length + 1)), line.slice(position % (line.length + 1)));
              break;
            }
            case 'dash':
              copy[at] = `-----${copy[at]}-----`;
              break;
          }
          for (const cut of blocksOf(copy.join('\n'))) if (await expectSameAsUnarmor(cut)) handled++;
        },
      ),
      { numRuns: 400, seed: 5 },
    );
    expect(handled).toBeGreaterThan(50);
  });

  it('leaves keys read by readAllKeys as openpgp.js reads them', async () => {
    for (const file of keyFiles()) {
      const bytes = readFileSync(file);
      const ours = await readAllKeys(bytes);
      const theirs = await readKeys({ armoredKeys: bytes.toString('utf8') }).catch(() => null);
      if (!theirs) continue; // files openpgp.js refuses whole are the limits tests' business
      expect(ours.keys.map((key) => Buffer.from(key.write()).toString('hex'))).toEqual(theirs.map((key) => Buffer.from((key.isPrivate() ? key.toPublic() : key).write()).toString('hex')));
    }
  });
});
