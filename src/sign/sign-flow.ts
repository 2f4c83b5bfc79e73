import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestDocument, ManifestSignature } from '../report/manifest.js';

/** The signer's public key in a private temporary file, for the offline check; removed after. */
export async function withPublicKeyFile<T>(armored: string, use: (path: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'pledge-sign-'));
  try {
    const path = join(folder, 'signer.asc');
    await writeFile(path, armored, { mode: 0o600 });
    return await use(path);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export function signaturesOf(document: ManifestDocument | undefined): ManifestSignature[] {
  return document?.blocks.flatMap((block) => block.signatures) ?? [];
}

/** How a signer makes their key findable by the sources a repository asks. */
export function publishHints(fingerprint: string, sources: readonly string[], keysFolder: string | undefined): string[] {
  const hints: string[] = [];
  if (keysFolder) hints.push(`ask a maintainer to pin it: gpg --export --armor ${fingerprint} > ${keysFolder}/NAME.asc (in your pull request)`);
  if (sources.includes('vks')) hints.push(`keys.openpgp.org: gpg --export ${fingerprint} | curl -T - https://keys.openpgp.org, then confirm the e-mail it sends`);
  if (sources.includes('keybase')) hints.push('Keybase: keybase pgp select (or keybase pgp import), then add keybase: USER to the front matter');
  if (sources.includes('github')) hints.push(`GitHub: paste gpg --export --armor ${fingerprint} at https://github.com/settings/keys, then add github_user: USER`);
  if (sources.includes('wkd')) hints.push('WKD: publish it at your domain (gpg-wks-client), then add email: ADDRESS');
  if (sources.some((source) => source.startsWith('hkp'))) hints.push(`a keyserver: gpg --send-keys ${fingerprint}`);
  return hints;
}

/** The commands that turn the new file into a pull request. */
export function gitCommands(relativePath: string, name: string, slug: string): string[] {
  return [`git checkout -b sign-${slug}`, `git add ${relativePath}`, `git commit -m ${JSON.stringify(`Sign the pledge: ${name}`)}`, `git push -u origin sign-${slug}`, 'then open a pull request (gh pr create --fill)'];
}
