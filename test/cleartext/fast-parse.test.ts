import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { readCleartextMessage } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { fastParseCleartext } from '../../src/cleartext/fast-parse.js';
import { signaturePacketsOf } from '../../src/openpgp/messages.js';
import { STRICT_CONFIG } from '../../src/openpgp/config.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { extractBlocks } from '../../src/extract/extract-blocks.js';
import { decodeDocument } from '../../src/extract/read-document.js';
import { fixtureAndRealWorldDocuments } from '../helpers/corpus-files.js';
import { clearsign, createSigner } from '../helpers/sign.js';

/**
 * The fast cleartext reader must read exactly what openpgp.js's readCleartextMessage reads:
 * the same signed text and the same signature packets, or hand the block to openpgp.js.
 */
function blocksOf(path: string): string[] {
  const decoded = decodeDocument(path, readFileSync(path));
  if (!decoded.ok) return [];
  return extractBlocks(decoded.document, DEFAULT_LIMITS).filter((block) => !block.error).map((block) => block.armored);
}

async function openpgpReads(armored: string) {
  const withoutHash = armored.split('\n').filter((line, index) => !(index > 0 && line.startsWith('Hash: ') && armored.split('\n').slice(1, index).every((l) => l.startsWith('Hash: ')))).join('\n');
  try {
    const message = await readCleartextMessage({ cleartextMessage: withoutHash, config: STRICT_CONFIG });
    return { signedText: message.getText(), packets: signaturePacketsOf(message).map((p) => Buffer.from(p.write() as Uint8Array).toString('hex')) };
  } catch {
    return null;
  }
}

async function expectSameAsOpenpgp(armored: string): Promise<boolean> {
  const fast = fastParseCleartext(armored);
  if (!fast) return false;
  const slow = await openpgpReads(armored);
  expect(slow, 'openpgp.js must read what the fast reader reads').not.toBeNull();
  expect(fast.signedText).toBe(slow!.signedText);
  expect(fast.packets.map((p) => Buffer.from(p.write() as Uint8Array).toString('hex'))).toEqual(slow!.packets);
  return true;
}

describe('fastParseCleartext', () => {
  it('reads every fixture and real-world block as openpgp.js does, or leaves it to openpgp.js', async () => {
    const files = fixtureAndRealWorldDocuments();
    let handled = 0;
    let total = 0;
    for (const file of files) {
      for (const armored of blocksOf(file)) {
        total++;
        if (await expectSameAsOpenpgp(armored)) handled++;
      }
    }
    // Nearly every real block has the canonical shape the fast reader handles.
    expect(handled / total).toBeGreaterThan(0.8);
  });

  it('agrees with openpgp.js on random signed texts and on mutated blocks', async () => {
    const signer = await createSigner();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\n', '-', '- ', 'é', '\u00A0', '\r\n', '='), maxLength: 40 }).filter((t) => t.trim() !== ''),
        fc.nat(),
        fc.constantFrom('none', 'byte', 'line'),
        async (text, position, mutation) => {
          let armored = await clearsign(text, [signer]);
          if (mutation === 'byte') {
            const at = position % armored.length;
            armored = armored.slice(0, at) + String.fromCharCode((armored.charCodeAt(at) % 94) + 33) + armored.slice(at + 1);
          } else if (mutation === 'line') {
            const lines = armored.split('\n');
            lines.splice(position % lines.length, 1);
            armored = lines.join('\n');
          }
          // Only what the extractor passes reaches the reader, as in the pipeline.
          const decoded = decodeDocument('block.txt', new TextEncoder().encode(armored));
          if (!decoded.ok) return;
          for (const block of extractBlocks(decoded.document, DEFAULT_LIMITS)) if (!block.error) await expectSameAsOpenpgp(block.armored);
        },
      ),
      { numRuns: 150, seed: 20261121 },
    );
  });
});
