import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { KeyCache } from '../discovery/key-cache.js';
import type { Keyring } from '../discovery/keyring.js';
import { extractDocument } from '../extract/extract-document.js';
import { readDocument } from '../extract/read-document.js';
import type { Manifest } from '../report/manifest.js';
import { exportManifestKeys, type ExportedKey } from './export-keys.js';

export interface BundleResult {
  documents: number;
  blocks: string[];
  keys: ExportedKey[];
}

const README = (blocks: string[], paths: string) => `# Evidence bundle

Written by \`pledge bundle\`. It holds what a verification needed, so it can be checked again
when the key servers are gone:

- \`manifest.json\`: the manifest the verdicts come from (per signature: status, fingerprints,
  \`certificateSha256\`, the SHA-256 of the certificate used);
- \`documents/\`: the signed documents, byte for byte;
- \`blocks/\`: each signed block as pledge cut it out of its document (rendering undone), one
  \`.asc\` file per block;
- \`keys/\`: every key the manifest used, one armored \`FINGERPRINT.asc\` per primary key, exactly
  the certificate the manifest recorded (its \`certificateSha256\`), and \`keyring.gpg\`, the same
  keys in one binary keyring.

## Re-verify with pledge

    cd documents
    pledge verify --no-config --keyring ../keys/ --against ../manifest.json ${paths}

verifies offline and reports each signature as same verdict, changed verdict or key changed
(exit 1 on any change).

## Re-verify with plain GnuPG

\`gpgv\` checks the mathematics only (not pledge's policy: expiry and revocation at signing time,
weak algorithms, the repository's statement and identity rules):

${blocks.map((block) => `    gpgv --keyring ./keys/keyring.gpg ${block}`).join('\n') || '    (no block)'}

Each must print "Good signature" and exit 0.
`;

/**
 * An evidence folder for a manifest: its documents (paths resolved against `root`), the signed
 * blocks as extracted, the keys it used (only the certificates it recorded) and a README on
 * re-verifying with pledge and with gpgv alone.
 */
export async function writeBundle(manifest: Manifest, root: string, out: string, keyring: Keyring, cache: KeyCache | null, now: Date): Promise<BundleResult> {
  await mkdir(join(out, 'keys'), { recursive: true });
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const blocks: string[] = [];
  let documents = 0;
  for (const document of manifest.documents) {
    if (document.status !== 'signed') continue;
    const source = join(root, document.path);
    const target = join(out, 'documents', document.path.replace(/^(\.\.\/)+|^\//, ''));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target);
    documents++;
    const extracted = extractDocument(await readDocument(source, DEFAULT_LIMITS), DEFAULT_LIMITS);
    if (!extracted.ok) continue;
    for (const [index, block] of extracted.blocks.entries()) {
      if (!document.blocks[index]?.signatures.some((signature) => signature.status === 'verified')) continue;
      const name = join('blocks', `${document.path.replace(/^(\.\.\/)+|^\//, '')}.${index + 1}.asc`);
      await mkdir(dirname(join(out, name)), { recursive: true });
      await writeFile(join(out, name), block.armored.endsWith('\n') ? block.armored : `${block.armored}\n`);
      blocks.push(name);
    }
  }
  // Whole, as recorded: re-verifying against the manifest then finds the same certificateSha256.
  const keys = await exportManifestKeys(manifest, keyring, cache, now, false);
  const binary: Uint8Array[] = [];
  for (const key of keys) {
    if (key.outcome !== 'exported') continue;
    await writeFile(join(out, 'keys', `${key.fingerprint}.asc`), key.armored);
    binary.push(key.binary);
  }
  await writeFile(join(out, 'keys', 'keyring.gpg'), Buffer.concat(binary));
  await writeFile(
    join(out, 'README.md'),
    README(
      blocks,
      manifest.documents
        .filter((d) => d.status === 'signed')
        .map((d) => d.path)
        .join(' '),
    ),
  );
  return { documents, blocks, keys };
}
