import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import type { CommandContext } from '../context.js';
import type { InitCommandOptions } from '../program.js';

const DEFAULT_STATEMENT = 'I, {name}, commit to this pledge.';

function configFile(statement: string): string {
  const config = {
    documents: ['_signatures/*.md'],
    exclude: ['_signatures/README.md'],
    keys: 'keys',
    sources: ['keybase', 'github', 'vks', 'wkd'],
    statement: { template: statement },
    minSignatures: 1,
    identity: { keybase: true, github: true, email: true, fingerprint: true },
    duplicateSigner: 'error',
    replayedSignature: 'error',
    appendOnly: true,
    manifest: 'signers.json',
  };
  return JSON.stringify(config, null, 2) + '\n';
}

const SIGNATURES_README = `# Signers

Add one Markdown file per signer here, by pull request. The easiest way, from a clone of this
repository (your key stays with GnuPG or Sequoia; pledge never reads it):

    npx pledge-verify sign --name "Ada Lovelace" --key ada@example.org

It writes \`_signatures/ada-lovelace.md\` with the statement filled in exactly as CI checks it,
verifies it with this repository's policy, and prints the git commands for the pull request
(\`--signer-file KEY.pgp\` signs with Sequoia's \`sq\`; \`pledge sign --help\` lists the fields).
By hand, the file looks like this (\`github_user\` is optional: your GitHub account must list
your key, github.com/ada.gpg):

\`\`\`\`markdown
---
name: Ada Lovelace
link: https://example.org/~ada
organization: Analytical Engines Ltd
occupation_title: Programmer
github_user: ada
---

\`\`\`text
(the output of: echo "<the statement with your name>" | gpg --clearsign)
\`\`\`
\`\`\`\`

CI runs \`pledge verify\` on every pull request: your signature, the exact statement and the
accounts you name are checked. Existing files are never edited, only added.
`;

const KEYS_README = `# Pinned keys

Public keys committed here (\`NAME.asc\`) are used before any key server. Pin a key when its
owner has no Keybase, GitHub or keys.openpgp.org presence, or to stop a later key-server change
from mattering.
`;

/**
 * The actions the workflow uses, pinned by commit (a tag can be moved; a commit cannot), with the
 * tag in a comment that Dependabot updates along with the commit. pledge's own reference is the
 * commit of its release tag: set when the release is tagged.
 */
export const WORKFLOW_ACTIONS = {
  checkout: 'actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1',
  cache: 'actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0',
  pledge: 'pledge-verify/pledge@0000000000000000000000000000000000000000 # v0.1.0',
};

const KEY_CACHE_STEP = `      # Keys found on Keybase, GitHub or a key server, kept between runs (pledge's own cache, with
      # its expiry). A pull request reads the main branch's cache and never writes to it.
      - uses: ${WORKFLOW_ACTIONS.cache}
        with:
          path: \${{ runner.temp }}/pledge-keys
          key: pledge-keys-\${{ github.run_id }}
          restore-keys: pledge-keys-`;

const WORKFLOW = `# Checks every pull request that adds a signer file (signature, statement, identity claims), and
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
      - uses: ${WORKFLOW_ACTIONS.checkout}
        with:
          fetch-depth: 0
          persist-credentials: false
${KEY_CACHE_STEP}
      # Annotates each bad file in the pull request and writes a summary table.
      - uses: ${WORKFLOW_ACTIONS.pledge}
        with:
          changed-since: origin/\${{ github.base_ref }}
          cache-dir: \${{ runner.temp }}/pledge-keys
  manifest:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - uses: ${WORKFLOW_ACTIONS.checkout}
        with:
          persist-credentials: false
${KEY_CACHE_STEP}
      # Fails when signers.json no longer matches: run \`pledge manifest\` and commit it.
      - uses: ${WORKFLOW_ACTIONS.pledge}
        with:
          check-manifest: signers.json
          cache-dir: \${{ runner.temp }}/pledge-keys
`;

/** Dependabot keeps the pinned actions current: a pull request per release, commit and tag comment. */
const DEPENDABOT = `version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
`;

/** `pledge init`: the files a new signers repository needs, never overwriting without --force. */
export async function initCommand(options: InitCommandOptions, context: CommandContext): Promise<void> {
  const root = context.streams.cwd;
  const files: Record<string, string> = {
    'pledge.config.json': configFile(options.statement ?? DEFAULT_STATEMENT),
    'keys/README.md': KEYS_README,
    // Public keys only belong here; these are the names secret-key exports usually get.
    'keys/.gitignore': '# Secret keys never belong in keys/: pin public keys only (gpg --export --armor FPR > keys/NAME.asc).\n*secret*\n*private*\n*.sec\n*.sec.asc\nsecring.*\nprivate-keys-v1.d/\n',
    '_signatures/README.md': SIGNATURES_README,
    '.github/workflows/pledge.yml': WORKFLOW,
    '.github/dependabot.yml': DEPENDABOT,
  };
  const existing = Object.keys(files).filter((path) => existsSync(join(root, path)));
  if (existing.length && !options.force) {
    throw new PledgeError('usage', `init: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite`);
  }
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
    context.streams.stdout.write(`created ${path}\n`);
  }
  context.streams.stdout.write('next: edit the statement in pledge.config.json, commit, and run pledge verify\n');
}
