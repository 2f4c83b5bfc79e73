import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { changedFiles } from '../repo/git-changes.js';
import { expandGlobs, globToRegExp, matchesAny } from '../core/glob.js';
import type { LoadedConfig } from '../repo/load-config.js';
import { checkRepository, parseAllowedSigners, type KnownSignatures } from '../repo/repository-checks.js';
import { buildManifest, type Manifest, type ManifestDocument } from '../report/manifest.js';
import { PledgeError } from '../core/reasons.js';
import { createPolicy } from '../verify/policy.js';
import { createDiscovery, type DiscoveryRequest } from './create-discovery.js';
import { describeDocument } from './describe-document.js';
import { judgeWith } from './judge-signature.js';
import { loadKeyring } from './run.js';

export interface RepositoryRequest {
  loaded: LoadedConfig;
  version: string;
  /** --keyring files, on top of the config's pinned `keys` folder. */
  keyrings: string[];
  discovery: DiscoveryRequest;
  /** Verify only files changed since this git ref (pull-request CI). */
  changedSince?: string;
  now?: Date;
  limits?: Partial<Limits>;
}

function readKnown(loaded: LoadedConfig): KnownSignatures | null {
  const file = loaded.config.manifest ? join(loaded.root, loaded.config.manifest) : null;
  if (!file || !existsSync(file)) return null;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    return { signers: manifest.signers ?? [], documents: manifest.documents ?? [] };
  } catch (error) {
    throw new PledgeError('usage', `${loaded.config.manifest}: the committed manifest is not valid JSON (${(error as Error).message})`);
  }
}

/** Would the config's globs take this path, were the file there? */
function matchesDocuments(path: string, config: LoadedConfig['config']): boolean {
  return matchesAny(path, config.documents.map(globToRegExp)) && !matchesAny(path, (config.exclude ?? []).map(globToRegExp));
}

function readAllowedSigners(file: string): Set<string> {
  try {
    return parseAllowedSigners(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PledgeError('usage', `allowedSigners ${file}: ${(error as Error).message}`);
  }
}

/**
 * A signers repository as its CI sees it: the config's documents (or only those changed since
 * a ref), each verified and held to the statement and identity rules, then the checks across
 * files. Paths in the manifest are relative to the config's folder, so they do not depend on
 * where pledge runs.
 */
export async function verifyRepository(request: RepositoryRequest): Promise<Manifest> {
  const { root, config } = request.loaded;
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const all = await expandGlobs(root, config.documents, config.exclude);
  let paths = all;
  const modified = new Set<string>();
  let known: KnownSignatures | null = null;
  let background: string[] = [];
  const deleted: string[] = [];
  if (request.changedSince) {
    const changes = await changedFiles(root, request.changedSince);
    // S-04: a signer file the pull request removes matched the globs at the merge base; it is gone now, so no glob sees it.
    for (const [path, kind] of changes) if (kind === 'deleted' && matchesDocuments(path, config)) deleted.push(path);
    paths = all.filter((path) => changes.get(path) === 'added' || changes.get(path) === 'modified');
    for (const path of paths) if (changes.get(path) === 'modified') modified.add(path);
    const changed = new Set(paths);
    // Unchanged files are not reported; who signed them comes from the committed manifest,
    // or, without one, from verifying them too (quietly) so duplicates are still caught.
    known = readKnown(request.loaded);
    if (known) {
      known.documents = known.documents.filter((document) => !changed.has(document.path));
      known.signers = known.signers
        .map((signer) => ({ ...signer, documents: signer.documents.filter((path) => !changed.has(path)) }))
        .filter((signer) => signer.documents.length);
    } else background = all.filter((path) => !changed.has(path));
  }

  const keyrings = [...(config.keys ? [join(root, config.keys)] : []), ...request.keyrings];
  const policy = createPolicy(request.now);
  const { discovery, close } = await createDiscovery(await loadKeyring(keyrings, undefined, root), request.discovery, policy.now);
  try {
    const judge = judgeWith(discovery, policy, config);
    const documents: ManifestDocument[] = [];
    for (const path of paths) documents.push(await describeDocument(join(root, path), path, limits, judge));
    if (background.length) {
      const unchanged: ManifestDocument[] = [];
      for (const path of background) unchanged.push(await describeDocument(join(root, path), path, limits, judge));
      known = { signers: [], documents: unchanged };
    }
    const allowed = config.allowedSigners ? readAllowedSigners(join(root, config.allowedSigners)) : null;
    checkRepository(documents, config, known, allowed);
    if (config.appendOnly) {
      for (const document of documents.filter((d) => modified.has(d.path))) {
        document.findings = [
          ...(document.findings ?? []),
          { code: 'modified-signer-file', severity: 'error', message: `an existing signer file was modified (since ${request.changedSince}); this repository only accepts new files` },
        ];
      }
      for (const path of deleted) {
        documents.push({ path, status: 'not-signed', error: null, blocks: [], findings: [{ code: 'deleted-signer-file', severity: 'error', message: `a signer file was deleted (since ${request.changedSince}); this repository only accepts new files` }] });
      }
    }
    return buildManifest(documents, request.version, discovery.lookups);
  } finally {
    await close();
  }
}
