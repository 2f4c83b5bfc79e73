import { globMatcher } from '../core/glob.js';
import type { ManifestDocument } from '../report/manifest.js';
import type { RepositoryConfig } from './load-config.js';

const WILDCARD = /[*?]/;

/**
 * The folders the `documents` globs point into: each glob's folders before its first wildcard
 * (`_signatures/*.md` → `_signatures`, `people/**\/*.md` → `people`). A glob with no folder of
 * its own (`*.md`) names none: the repository's root is not a signer folder.
 */
export function signerFolders(documents: string[]): string[] {
  const folders = new Set<string>();
  for (const glob of documents) {
    const segments = glob.replace(/^\.\//, '').split('/').slice(0, -1);
    const wild = segments.findIndex((segment) => WILDCARD.test(segment));
    const fixed = wild === -1 ? segments : segments.slice(0, wild);
    if (fixed.length) folders.add(fixed.join('/'));
  }
  return [...folders].sort();
}

/**
 * S-05: files in a signer folder that no `documents` glob takes and `exclude` does not name
 * (`_signatures/2024/x.md`, `_signatures/X.MD`) would never be verified, so a pull request could
 * slip a signer past the checks. Each is a finding; a file that belongs there unverified (a
 * README, a .gitkeep) is listed in `exclude`.
 */
export function unmatchedSignerFiles(paths: string[], config: RepositoryConfig): ManifestDocument[] {
  const folders = signerFolders(config.documents);
  if (!folders.length) return [];
  const wanted = globMatcher(config.documents);
  const unwanted = globMatcher(config.exclude ?? []);
  const documents: ManifestDocument[] = [];
  for (const path of paths) {
    const folder = folders.find((candidate) => path.startsWith(`${candidate}/`));
    if (!folder || wanted(path) || unwanted(path)) continue;
    documents.push({
      path,
      status: 'not-signed',
      error: null,
      blocks: [],
      findings: [
        {
          code: 'unmatched-signer-file',
          severity: 'error',
          message: `this file is in the signer folder ${folder}/ but no documents glob (${config.documents.join(', ')}) takes it, so it would never be verified: rename it to match, or list it in exclude in pledge.config.json`,
        },
      ],
    });
  }
  return documents;
}
