/**
 * The README's "Detached and inline signatures" section, held to what pledge does: its pairing
 * table is the pairing rule, and its example run is reproduced line for line.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { DirectoryNames } from '../../src/extract/pair-signatures.js';
import { REPO, runCli } from '../helpers/run-cli.js';
import { createSigner } from '../helpers/sign.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('### Detached signatures'), README.indexOf('## Where keys come from'));

describe("the README's detached signatures section", () => {
  it('states the pairing rule pledge applies: each row of its table', () => {
    const rows = [...SECTION.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|$/gm)].map((match) => [match[1]!, match[2]!] as const);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const names = new DirectoryNames(rows.flat());
    for (const [signature, document] of rows) expect({ signature, signs: names.partnerOf(signature) }).toEqual({ signature, signs: document });
  });

  it('shows an example run that pledge gives, line for line', async () => {
    const example = /```console\n([\s\S]*?)```/.exec(SECTION)![1]!.split('\n');
    const command = example.find((line) => line.startsWith('$ pledge '))!.slice('$ pledge '.length).split(' ');
    const expected = example.slice(example.findIndex((line) => line.startsWith('$ pledge ')) + 1).filter((line) => line.trim() !== '' && line.trim() !== '…');
    const dir = mkdtempSync(join(tmpdir(), 'pledge-readme-detached-'));
    mkdirSync(join(dir, 'canaries'));
    const alice = await createSigner('Alice <alice@example.org>');
    const bob = await createSigner('Bob <bob@example.org>');
    writeFileSync(join(dir, 'team.asc'), alice.armoredPublicKey + bob.armoredPublicKey);
    const text = 'Canary 47: no secret orders.\n';
    writeFileSync(join(dir, 'canaries/canary-047.txt'), text);
    for (const [name, signer] of [['alice', alice], ['bob', bob]] as const) {
      writeFileSync(join(dir, `canaries/canary-047.txt.sig.${name}`), await openpgp.sign({ message: await openpgp.createMessage({ text }), signingKeys: signer.privateKey, detached: true }));
    }
    writeFileSync(join(dir, 'canaries/canary-050.txt.sig'), await openpgp.sign({ message: await openpgp.createMessage({ text: 'never published\n' }), signingKeys: alice.privateKey, detached: true }));
    const listing = example[example.indexOf('$ ls canaries/') + 1]!.split(/\s+/);
    expect(listing).toEqual(['canary-047.txt', 'canary-047.txt.sig.alice', 'canary-047.txt.sig.bob', 'canary-050.txt.sig']);
    const result = await runCli(command, {}, dir);
    const lines = result.stdout.split('\n');
    let at = 0;
    for (const line of expected) {
      const prefix = line.endsWith('…') ? line.slice(0, -1) : line;
      const found = lines.findIndex((actual, index) => index >= at && (line.endsWith('…') ? actual.startsWith(prefix) : actual === line));
      expect({ line, found: found >= 0 }).toEqual({ line, found: true });
      at = found + 1;
    }
  });
});
