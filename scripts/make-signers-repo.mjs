// Regenerates the example signers repository and its fixtures (run from the repo root):
//   node scripts/make-signers-repo.mjs
//   examples/signers-repo/              a neveragain.tech-style repository of pinned signers: passes as shipped, offline
//   fixtures/signers-repo/remote/       signer files whose keys only the test Keybase and GitHub servers serve
//                                       (tests copy them into _signatures/ of a copy of the example)
//   fixtures/signers-repo/remote.json   what the test Keybase and GitHub servers serve
//   fixtures/signers-repo/bad/          one broken signer file per failure, bad/keys/ and a README
//   fixtures/signers-repo/expected.json the fingerprint and verdict of every signer file
// Keys are new on every run (created 2024-01-01, signatures dated 2024-06-01); names, texts and
// verdicts stay the same. Secret keys only live in memory. Every file is checked with openpgp.js.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as openpgp from 'openpgp';

const REPO = 'examples/signers-repo';
const FIX = 'fixtures/signers-repo';
const statement = (name) => `I, ${name}, commit to the neveragain.tech pledge.`;
const write = (path, text) => { mkdirSync(dirname(path), { recursive: true }); writeFileSync(path, text); };
const json = (value) => JSON.stringify(value, null, 2) + '\n';

// Signers: file, name, key file (pinned keys only), where the key is published, front matter.
const PEOPLE = [
  { id: 'ada', name: 'Ada Lovelace', file: 'ada-lovelace.md', pinned: true, claims: { fingerprint: true },
    org: 'Analytical Engine Works', title: 'Mathematician', say: 'Data about people is never neutral. I will not help anyone sort my neighbours by their faith or their birthplace.' },
  { id: 'grace', name: 'Grace Hopper', file: 'grace-hopper.md', pinned: true, claims: {},
    org: 'Example Compiler Co.', title: 'Rear Admiral (retired), Programmer', say: 'It is easier to refuse at the start than to apologise later. I will refuse to build the database.' },
  { id: 'alan', name: 'Alan Turing', file: 'alan-turing.md', pinned: true, claims: {},
    org: 'Example Computing Laboratory', title: 'Researcher', say: 'I have seen what a state can do with a list of names. My skills will not be used to compile one.' },
  { id: 'katherine', name: 'Katherine Johnson', file: 'katherine-johnson.md', pinned: false, claims: { keybase: 'kjohnson' },
    org: 'Example Flight Research Center', title: 'Research Mathematician', say: 'I check the numbers, and I check what they are for. I commit to the actions below.' },
  { id: 'margaret', name: 'Margaret Hamilton', file: 'margaret-hamilton.md', pinned: false, claims: { github: 'mhamilton' },
    org: 'Example Systems Engineering', title: 'Software Engineer', say: 'Software does what its builders let it do. I will not let mine be used for mass deportation.' },
];
// The signers of the broken files in bad/, whose keys go to bad/keys/.
const BAD_PEOPLE = [
  { id: 'barbara', name: 'Barbara Liskov' },
  { id: 'charles', name: 'Charles Babbage' },
  { id: 'edsger', name: 'Edsger Dijkstra' },
];

async function makeKey(id, name) {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name, email: `${id}@example.org` }],
    date: new Date('2024-01-01T00:00:00Z'), format: 'object',
  });
  return { privateKey, armored: publicKey.armor(), fingerprint: publicKey.getFingerprint().toUpperCase() };
}

async function clearsign(key, text) {
  return openpgp.sign({
    message: await openpgp.createCleartextMessage({ text }), signingKeys: key.privateKey,
    date: new Date('2024-06-01T00:00:00Z'),
  });
}

/** A signer file in the neveragain.tech style: front matter, one paragraph, the signed block. */
function signerFile({ name, id, org, title, say }, claims, block) {
  const lines = ['---', `name: ${name}`, `link: https://example.org/~${id}`, `organization: ${org}`, `occupation_title: ${title}`];
  if (claims.github) lines.push(`github_user: ${claims.github}`);
  if (claims.keybase) lines.push(`keybase: ${claims.keybase}`);
  if (claims.fingerprint) lines.push(`fingerprint: "${claims.fingerprint}"`); // quoted: hex may look like a YAML number
  return [...lines, '---', '', say ?? `${name} signs the pledge.`, '', '```text', block.trimEnd(), '```', ''].join('\n');
}

const blockOf = (markdown) => /^```text\n([\s\S]*?)^```$/m.exec(markdown)[1];

// ---------------------------------------------------------------- keys and signer files
rmSync(REPO, { recursive: true, force: true });
rmSync(FIX, { recursive: true, force: true });

const keys = {};
for (const p of [...PEOPLE, ...BAD_PEOPLE, { id: 'someoneelse', name: 'Someone Else' }]) keys[p.id] = await makeKey(p.id, p.name);

const expected = {}; // path from the repo root → verdict
const remote = { keybase: [], github: {} };
const blocks = {};
for (const p of PEOPLE) {
  const key = keys[p.id];
  blocks[p.id] = await clearsign(key, statement(p.name));
  const claims = { ...p.claims, fingerprint: p.claims.fingerprint ? key.fingerprint : undefined };
  // A signer whose key only a test server serves would fail against the real Keybase and GitHub.
  const path = p.pinned ? `${REPO}/_signatures/${p.file}` : `${FIX}/remote/${p.file}`;
  write(path, signerFile(p, claims, blocks[p.id]));
  if (p.pinned) write(`${REPO}/keys/${p.id}.asc`, key.armored);
  if (p.claims.github) remote.github[p.claims.github] = [key.armored];
  if (p.claims.keybase) remote.keybase.push({ username: p.claims.keybase, armoredKeys: [key.armored] });
  const from = p.pinned ? `keys/${p.id}.asc` : p.claims.keybase ? `keybase:${p.claims.keybase}` : `github:${p.claims.github}`;
  expected[path] = { fingerprint: key.fingerprint, key: from, status: 'verified', findings: [] };
}
remote.github.someoneelse = [keys.someoneelse.armored]; // a key that is none of the signers'
for (const p of BAD_PEOPLE) write(`${FIX}/bad/keys/${p.id}.asc`, keys[p.id].armored);

// ---------------------------------------------------------------- the broken files
const person = (id, name, extra = {}) => ({ id, name, org: 'Example Corp', title: 'Engineer', ...extra });
const ada = PEOPLE[0], grace = PEOPLE[1];
const BAD = [];
{ // Barbara signed her statement; the name was then edited in the front matter and the signed text.
  const signed = await clearsign(keys.barbara, statement('Barbara Liskov'));
  const edited = signed.replace(statement('Barbara Liskov'), statement('Barbara H. Liskov'));
  BAD.push({ file: 'bad-signature.md', signer: 'barbara', status: 'bad-signature', findings: [],
    why: 'Barbara Liskov signed her statement; afterwards the name was changed to "Barbara H. Liskov" in both the front matter and the signed sentence, so the statement still fits the template but the signature no longer matches the text.',
    text: signerFile(person('barbara', 'Barbara H. Liskov', { say: 'I sign the pledge.' }), {}, edited) });
}
BAD.push({ file: 'wrong-statement.md', signer: 'charles', status: 'statement-mismatch', findings: [],
  why: 'A good signature by a pinned key (bad/keys/charles.asc) over "I, Charles Babbage, commit to some other pledge.", which is not the statement the template asks for.',
  text: signerFile(person('charles', 'Charles Babbage', { say: 'I sign the pledge.' }), {}, await clearsign(keys.charles, 'I, Charles Babbage, commit to some other pledge.')) });
BAD.push({ file: 'unbacked-github.md', signer: 'edsger', status: 'identity-mismatch', findings: [],
  why: 'A good signature by a pinned key (bad/keys/edsger.asc) over the right statement, but the front matter claims `github_user: someoneelse`, and the keys GitHub serves for someoneelse do not include this key.',
  text: signerFile(person('edsger', 'Edsger Dijkstra', { say: 'I sign the pledge.' }), { github: 'someoneelse' }, await clearsign(keys.edsger, statement('Edsger Dijkstra'))) });
BAD.push({ file: 'duplicate-signer.md', signer: 'ada', status: 'verified', findings: [{ finding: 'duplicate-signer', with: `_signatures/${ada.file}` }],
  why: 'Ada Lovelace\'s key signs a second file, under the name "Augusta Ada King" with a statement that matches that name: each signature is good, but one key signed two signer files.',
  text: signerFile(person('augusta', 'Augusta Ada King', { say: 'I sign the pledge a second time, under another name.' }), {}, await clearsign(keys.ada, statement('Augusta Ada King'))) });
BAD.push({ file: 'replayed-signature.md', signer: 'grace', status: 'verified',
  findings: [{ finding: 'replayed-signature', with: `_signatures/${grace.file}` }, { finding: 'duplicate-signer', with: `_signatures/${grace.file}` }],
  why: `The signed block of ${grace.file} copied byte for byte, with Grace Hopper's front matter: the same signature in two files (and so also the same key signing two files).`,
  text: signerFile(grace, {}, blocks.grace) });
for (const b of BAD) {
  write(`${FIX}/bad/${b.file}`, b.text);
  expected[`${FIX}/bad/${b.file}`] = { fingerprint: keys[b.signer].fingerprint, key: `keys/${b.signer}.asc`, status: b.status, findings: b.findings };
}

// ---------------------------------------------------------------- configuration, documents, fixtures
write(`${REPO}/pledge.config.json`, json({
  $schema: '../../schema/pledge-config.schema.json', documents: ['_signatures/*.md'], exclude: ['_signatures/README.md'],
  keys: 'keys', sources: ['keybase', 'github'], statement: { template: 'I, {name}, commit to the neveragain.tech pledge.' },
  identity: { keybase: true, github: true, fingerprint: true }, duplicateSigner: 'error', replayedSignature: 'error',
  appendOnly: true, manifest: 'signers.json',
}));
write(`${FIX}/remote.json`, json(remote));
write(`${FIX}/expected.json`, json({
  description: 'Generated by scripts/make-signers-repo.mjs. For each signer file: the primary key fingerprint that signed it, where pledge should find that key (paths relative to the signers repository, after the test has copied remote/*.md and bad/*.md into _signatures/ and bad/keys/*.asc into keys/), the expected signature status and the repository findings reported for it (with: the earlier file it clashes with).',
  files: expected,
}));

write(`${REPO}/README.md`, `# Example signers repository

A small, complete example of a repository where people sign a public pledge, in the style of the
neveragain.tech pledge's \`_signatures/\` folder. Every signer adds one Markdown file by pull request;
CI runs \`pledge\` to prove that the file was signed by the key it claims, that the signed text is the
pledge's statement, and that nobody signed twice.

## What a signer adds

One file, \`_signatures/firstname-lastname.md\` (see [\`_signatures/README.md\`](_signatures/README.md)):
YAML front matter (\`name\`, \`link\`, \`organization\`, \`occupation_title\`, and optionally
\`github_user\`, \`keybase\` and \`fingerprint\`), a paragraph, and the sentence

    I, <name>, commit to the neveragain.tech pledge.

cleartext-signed (\`gpg --clearsign\`) and pasted into a \`\`\`text fence. The \`<name>\` must be the
front matter's \`name\` ([\`pledge.config.json\`](pledge.config.json) holds the template).

pledge finds the signer's public key in [\`keys/\`](keys/) (keys pinned by the maintainers, one
\`<firstname>.asc\` each) and otherwise asks Keybase (front matter \`keybase\`) and GitHub
(\`github_user\`, via \`https://github.com/USER.gpg\`). Every claim in the front matter must be backed
by the key that verified: the Keybase account or GitHub account must list the key, and a
\`fingerprint\` must be the key's fingerprint.

The three signers here all have pinned keys: Ada Lovelace (who also names her key's
\`fingerprint\` in the front matter), Grace Hopper and Alan Turing. Their keys are all in \`keys/\`,
so every command below passes as shipped, with or without a network, and asks no server. The
keys, names and accounts are made up. pledge's own test suite adds two more signers whose keys
are found only on Keybase and GitHub (\`fixtures/signers-repo/remote/\`, served by its test
servers from \`fixtures/signers-repo/remote.json\`); they are not in this folder because against
the real keybase.io and github.com they would not verify.

## How CI checks a pull request

[\`.github/workflows/pledge.yml\`](.github/workflows/pledge.yml) runs the pledge action
(\`pledge verify --changed-since origin/<base branch> --format github\`) on every pull request, and
\`--check-manifest signers.json\` on the main branch. It fails,
with an annotation on the offending file, when a changed signer file has no good signature, signs
another text, claims an account or fingerprint its key does not back, reuses a key or a signature
already in the repository (\`duplicateSigner\`, \`replayedSignature\`), or modifies an existing signer
file instead of adding one (\`appendOnly\`).

## Running it locally

From this folder (pledge finds \`pledge.config.json\` by walking up):

    npx pledge-verify verify                                # every signer file, keys from keys/, then Keybase and GitHub
    npx pledge-verify verify --offline                      # pinned keys only, no server asked (the same result here)
    npx pledge-verify verify --changed-since origin/main    # what CI does
    npx pledge-verify manifest                              # regenerate signers.json, the list of verified signers
    npx pledge-verify verify --check-manifest signers.json  # fail if signers.json is out of date
    npx pledge-verify site --manifest signers.json -o site/ # the signers page, static HTML to publish

Run \`pledge manifest\` and commit \`signers.json\` after merging new signers.

\`--changed-since origin/main\` needs a git clone of this folder with a \`main\` branch on \`origin\`.
This folder is generated by \`node scripts/make-signers-repo.mjs\` (new keys on every run).
`);

write(`${REPO}/_signatures/README.md`, `# Signatures

One file per signer, named \`firstname-lastname.md\`. Copy an existing file, change the front matter,
write a paragraph of your own, then sign the statement and paste the whole block into the fence.
\`pledge sign\` does all of it, from a clone of this repository (your key stays with GnuPG or
Sequoia; pledge never reads it):

    npx pledge-verify sign --name "Your Name" --key you@example.org --field link=https://example.org/~you

It fills the statement exactly as CI checks it, writes \`_signatures/your-name.md\`, verifies it
with \`pledge.config.json\` and prints the git commands for the pull request (\`--signer-file
KEY.pgp\` signs with Sequoia's \`sq\`). By hand:

    echo "I, Your Name, commit to the neveragain.tech pledge." | gpg --clearsign

Use exactly the \`name\` from your front matter. Add \`github_user\` if your GitHub account lists the
key, \`keybase\` if your Keybase account does, or \`fingerprint\` (40 hex digits) to state which key
is yours; otherwise ask a maintainer to pin your key in \`keys/\`. Never edit another signer's file,
and do not edit yours after signing: open a new pull request if something must change.

This README is not a signer file (\`pledge.config.json\` excludes it).
`);

const keyCacheStep = `      # Keys found on Keybase, GitHub or a key server, kept between runs (pledge's own cache, with
      # its expiry). A pull request reads the main branch's cache and never writes to it.
      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0
        with:
          path: \${{ runner.temp }}/pledge-keys
          key: pledge-keys-\${{ github.run_id }}
          restore-keys: pledge-keys-`;
// The workflow and Dependabot file `pledge init` writes (test/cli/init-workflow.test.ts keeps them equal).
write(`${REPO}/.github/workflows/pledge.yml`, `# Checks every pull request that adds a signer file (signature, statement, identity claims), and
# on the main branch that the committed signers.json is still exactly what verification gives.
# The pledge action is one bundled file run by the runner's Node: nothing is installed.
name: pledge
on:
  pull_request: # not pull_request_target: the pull request's code runs without secrets, read-only
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  verify:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      # The whole history, so --changed-since can find the merge base with the target branch.
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          fetch-depth: 0
          persist-credentials: false
${keyCacheStep}
      # Annotates each bad file in the pull request and writes a summary table.
      - uses: pledge-verify/pledge@0000000000000000000000000000000000000000 # v0.1.0
        with:
          changed-since: origin/\${{ github.base_ref }}
          cache-dir: \${{ runner.temp }}/pledge-keys
  manifest:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          persist-credentials: false
${keyCacheStep}
      # Fails when signers.json no longer matches: run \`pledge manifest\` and commit it.
      - uses: pledge-verify/pledge@0000000000000000000000000000000000000000 # v0.1.0
        with:
          check-manifest: signers.json
          cache-dir: \${{ runner.temp }}/pledge-keys
`);
write(`${REPO}/.github/dependabot.yml`, `version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
`);

const table = BAD.map((b) => `| \`${b.file}\` | ${b.status === 'verified' ? 'verified' : `\`${b.status}\``} | ${b.findings.map((f) => `\`${f.finding}\``).join(', ') || '—'} | ${b.why} |`);
write(`${FIX}/bad/README.md`, `# Broken signer files

Generated by \`scripts/make-signers-repo.mjs\`. A test copies one of these files into \`_signatures/\`
of a copy of \`examples/signers-repo/\`, and \`keys/*.asc\` from here into its \`keys/\` on the main branch
(the keys of Barbara, Charles and Edsger, who sign the broken files, are pinned there by the
maintainer: a pull request's own keys are not trusted), with the test servers
serving \`../remote.json\`; pledge must then report the problem below for that file. Each file has one
problem. The GitHub user \`someoneelse\` serves a key that belongs to none of these signers.
Fingerprints and key locations are in \`../expected.json\`.

| file | signature status | finding | what is wrong |
|---|---|---|---|
${table.join('\n')}
`);

// ---------------------------------------------------------------- check every file with openpgp.js
for (const [path, want] of Object.entries(expected)) {
  const id = Object.keys(keys).find((k) => keys[k].fingerprint === want.fingerprint);
  const message = await openpgp.readCleartextMessage({ cleartextMessage: blockOf(readFileSync(path, 'utf8')) });
  const { signatures: [sig] } = await openpgp.verify({ message, verificationKeys: await openpgp.readKey({ armoredKey: keys[id].armored }) });
  const good = await sig.verified.then(() => true, () => false);
  if (good !== (want.status !== 'bad-signature')) throw new Error(`${path}: openpgp.js says ${good ? 'good' : 'bad'}`);
}
console.log(`make-signers-repo: ${Object.keys(expected).length} signer files written and checked with openpgp.js`);
