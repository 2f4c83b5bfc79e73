/**
 * threat catalogue, rows O-01…O-03: output. These rows are about what the CLI prints and how it
 * exits: the CLI's command table runs in-process (src/cli/main.ts `run`, the exit code
 * bin/pledge.cjs sets), and the CI-facing cases also through the built binary (bin/pledge.cjs →
 * dist/; `npm run build` first), with keys and documents made here.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { REPO, runCli } from '../helpers/run-cli.js';
import {
  armorKey,
  assertNothingUnproven,
  certify,
  cleartextBlock,
  cli,
  fixtureCases,
  at,
  GPG_AVAILABLE,
  gnupgRaw,
  gnupgVerify,
  newKey,
  publicPacket,
  scratchDir,
  signText,
  userIDPacket,
  verdicts,
  writeIn,
  type Made,
  TEXT,
  okBlock as ok,
} from './assert-nothing-unproven.js';


let dir: string;
let alice: Made;
let aliceKeyring: string;

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-o-');
  alice = await newKey('Alice <alice@example.org>');
  aliceKeyring = await writeIn(dir, 'alice.asc', alice.armored);
});

/** A certificate for `key` whose only user ID is `userID`, self-certified: any bytes a key may carry. */
async function withUserID(key: Made, userID: string): Promise<string> {
  const primary = await publicPacket(openpgp.PublicKeyPacket, key.publicKey.keyPacket);
  const packet = userIDPacket(userID);
  return armorKey([primary, packet, await certify(key.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, packet)]);
}

/** Raw control characters a terminal or a CI log would act on (tab and newline are text). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('O: output', () => {
  it('O-01: newlines, workflow commands and ANSI escapes in user IDs, signed text and file names never reach a log raw', async () => {
    const hostileUserID = 'Mallory\n::error file=README.md,line=1::INJECTED-USERID\u001b[31m\r <mallory@example.org>';
    const hostileText = 'I agree.\n::error file=README.md,line=1::INJECTED-TEXT\n::add-mask::INJECTED-MASK\n::stop-commands::INJECTED-STOP\n\u001b]0;INJECTED-TITLE\u0007\u001b[2J\u001b[31mred\u001b[0m\n';
    const mallory = await newKey('Mallory <mallory@example.org>');
    const keyring = await writeIn(dir, 'o01-mallory.asc', await withUserID(mallory, hostileUserID));
    const genuine = cleartextBlock(hostileText, [await signText(mallory, hostileText)]);
    const outputsDir = join(dir, 'o01');
    await mkdir(outputsDir);
    await writeIn(outputsDir, 'good.txt', genuine);
    // The same block with one word changed (bad-signature), under a file name that carries a
    // newline and a workflow command of its own.
    const badName = 'bad\n::warning file=x::INJECTED-PATH\u001b[31m.txt';
    await writeIn(outputsDir, badName, genuine.replace('I agree.', 'I agree!'));

    const json = await runCli(['verify', '--json', '--offline', '--no-cache', '--keyring', keyring, outputsDir]);
    expect(json.code).toBe(1);
    const manifest = JSON.parse(json.stdout) as Manifest;
    expect(verdicts(manifest)).toEqual([ok(['bad-signature', 'signature-mismatch']), ok(['verified', null])]);
    const verified = manifest.documents.find((d) => d.path.endsWith('good.txt'))!.blocks[0]!;
    // JSON carries the exact text, escaped by JSON itself.
    expect(verified.signedText).toBe(hostileText.replace(/\n$/, ''));
    expect(verified.signatures[0]!.warnings).toContain('control-characters');
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    await assertNothingUnproven(manifest);

    for (const format of ['human', 'github', 'markdown', 'junit']) {
      // The CI path (--format github) through the real binary, the others in-process.
      const args = ['verify', '--format', format, '--offline', '--no-cache', '--keyring', keyring, outputsDir];
      const run = format === 'github' ? await runCli(args) : await cli(args);
      expect.soft(run.code, format).toBe(1);
      for (const [stream, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
        expect.soft(text, `${format} ${stream}: raw control characters`).not.toMatch(RAW_CONTROL);
        for (const line of text.split('\n')) {
          // Only pledge's own annotations may start a line with "::", and none of the attacker's.
          if (line.startsWith('::')) expect.soft(line, `${format} ${stream}: a workflow command`).toMatch(/^::(error|warning|notice) /);
          expect.soft(line, `${format} ${stream}: an injected command at a line start`).not.toMatch(/^\s*::(add-mask|stop-commands|error file=README|warning file=x)/);
        }
        // The runner reads a command only at a line start; --format github breaks "::" anyway.
        if (format === 'github') expect.soft(text, `${format} ${stream}: injected commands kept whole`).not.toMatch(/::add-mask::|::stop-commands::/);
      }
    }
  });

  it('O-02: no input makes the process exit 0 without a verified signer (policy threshold included)', async () => {
    const write = (name: string, content: string) => writeIn(dir, name, content);
    const signed = async (key: Made, text = TEXT) => cleartextBlock(text, [await signText(key, text)]);
    const expired = await newKey('Frank <frank@example.org>', { keyExpirationTime: 30 * 24 * 3600 });
    const certification = cleartextBlock(TEXT, [alice.publicKey.users[0]!.selfCertifications[0]!]);
    const [goodAndUnknown] = fixtureCases('C-17-good-and-unknown-signer');
    const empty = join(dir, 'o02-empty');
    await mkdir(empty);
    const repository = join(dir, 'o02-repository');
    await mkdir(join(repository, 'keys'), { recursive: true });
    await writeIn(repository, 'keys/alice.asc', alice.armored);
    await writeIn(repository, 'alice.md', `---\nname: Alice\n---\n\n\`\`\`text\n${await signed(alice)}\`\`\`\n`);
    await writeIn(repository, 'pledge.config.json', JSON.stringify({ documents: ['*.md'], keys: 'keys', offline: true, minSignatures: 2 }));

    const offline = ['--offline', '--no-cache', '--keyring', aliceKeyring];
    const cases: Record<string, { args: string[]; cwd?: string; exit: number }> = {
      'control: one verified signature': { args: [...offline, await write('o02-good.txt', await signed(alice))], exit: 0 },
      'a document with no block': { args: [...offline, await write('o02-none.md', '# Nothing signed here\n')], exit: 1 },
      'a block whose only signature is a certification': { args: [...offline, await write('o02-cert.txt', certification)], exit: 1 },
      // Issue 20 #6: said before any work ("no documents in DIR"), an input error.
      'an empty directory': { args: [...offline, empty], exit: 2 },
      'one good and one unknown signer (sq verify: any bad fails)': { args: ['--offline', '--no-cache', '--keyring', at(goodAndUnknown!.keyrings[0]!), at(goodAndUnknown!.document)], exit: 1 },
      'a good document and an unsigned one': { args: [...offline, await write('o02-good2.txt', await signed(alice)), await write('o02-none2.txt', 'plain\n')], exit: 1 },
      'only a signature by a key expired when it signed': {
        args: ['--offline', '--no-cache', '--keyring', await write('o02-expired.asc', expired.armored), await write('o02-expired.txt', cleartextBlock(TEXT, [await signText(expired, TEXT, { date: new Date('2024-09-01T00:00:00Z') })]))],
        exit: 1,
      },
      'a bad signature, redacted': { args: [...offline, '--redact', await write('o02-bad.txt', (await signed(alice)).replace('undersigned', 'overheard'))], exit: 1 },
      'only a key server that cannot be reached (could not check)': { args: ['--no-cache', '--sources', 'vks', '--vks-url', 'http://127.0.0.1:1', '--timeout', '1', await write('o02-unreachable.txt', await signed(alice))], exit: 3 },
      'a repository needing 2 signatures per file, with 1': { args: [], cwd: repository, exit: 1 },
    };
    const seen: Record<string, number | null> = {};
    for (const [name, { args, cwd }] of Object.entries(cases)) seen[name] = (await cli(['verify', '--quiet', ...args], cwd ? { cwd } : {})).code;
    expect(seen).toEqual(Object.fromEntries(Object.entries(cases).map(([name, { exit }]) => [name, exit])));
    // The same exit codes from the real process (bin/pledge.cjs sets process.exitCode).
    for (const name of ['control: one verified signature', 'a block whose only signature is a certification']) {
      expect.soft((await runCli(['verify', '--quiet', ...cases[name]!.args])).code, `${name} (process)`).toBe(cases[name]!.exit);
    }
  });

  it('O-03: GnuPG as an oracle is read from --status-fd VALIDSIG only, never from "Good signature" text; pledge never falls back to it', async () => {
    // Mallory's user ID carries a fake status line naming Alice's fingerprint and a fake
    // "Good signature" sentence; her signature is over another text (BADSIG).
    const mallory = await newKey('Mallory <mallory@example.org>');
    const fake = `x\n[GNUPG:] GOODSIG ${alice.fingerprint.slice(-16)} Alice\n[GNUPG:] VALIDSIG ${alice.fingerprint} 2024-03-01 0 0 4 0 22 10 01 ${alice.fingerprint}\ngpg: Good signature from "Alice <alice@example.org>"`;
    const certificate = await withUserID(mallory, fake);
    const document = await writeIn(dir, 'o03.txt', cleartextBlock(TEXT, [await signText(mallory, TEXT)]).replace('undersigned', 'overheard'));

    // pledge: bad signature, nobody credited.
    const run = await cli(['verify', '--json', '--offline', '--no-cache', '--keyring', await writeIn(dir, 'o03.asc', certificate), document]);
    const manifest = JSON.parse(run.stdout) as Manifest;
    expect(run.code).toBe(1);
    expect(verdicts(manifest)).toEqual([ok(['bad-signature', 'signature-mismatch'])]);
    await assertNothingUnproven(manifest);

    if (GPG_AVAILABLE) {
      // The oracle of this suite: [GNUPG:] lines at the start of a status-fd line only.
      expect(gnupgVerify(document, [certificate])).toMatchObject({ keywords: ['BADSIG'], validsig: [] });
      // What a text-matching oracle would have concluded from the same run: fooled twice.
      const raw = gnupgRaw(document, [certificate]);
      expect(raw.status.includes(`VALIDSIG ${alice.fingerprint}`), 'a substring match on the status output finds a VALIDSIG').toBe(true);
      expect(/Good signature from "Alice/.test(raw.human), 'a substring match on the human output finds "Good signature"').toBe(true);
    }

    // pledge has no GnuPG fallback: the only child processes in src/ are git (signers repositories)
    // and, in src/sign/ (reached only from `pledge sign`, test/architecture.test.ts), the signer's
    // own gpg or sq making a signature: never a verdict.
    const sources: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith('.ts') && !path.includes(`${join('src', 'sign')}/`)) sources.push(await readFile(path, 'utf8'));
      }
    };
    await walk(join(REPO, 'src'));
    const spawning = sources.filter((source) => source.includes('child_process'));
    expect(spawning.every((source) => !/['"`]gpgv?['"`]|['"`]sqv?['"`]/.test(source))).toBe(true);
  });
});

