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

    npx pledge sign --name "Ada Lovelace" --key ada@example.org

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

const WORKFLOW = `# Checks every pull request that adds a signer file: signature, statement, identity claims.
name: pledge
on:
  pull_request:
permissions:
  contents: read
jobs:
  verify:
    runs-on: ubuntu-latest
    steps:
      # The whole history, so --changed-since can find the merge base with the target branch.
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      # Annotates each bad file in the pull request and writes a summary table.
      - uses: pledge/pledge@v0
        with:
          changed-since: origin/\${{ github.base_ref }}
          format: github
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
