import { packageVersion } from '../core/package-version.js';
import type { KeyringInput } from '../discovery/sources/keyring-files.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { PullRequest } from '../repo/git-changes.js';
import { expandGlobs, globMatcher } from '../core/glob.js';
import type { LoadedConfig, RepositoryConfig } from '../repo/load-config.js';
import { readBaseState, type BaseState } from '../repo/protected-files.js';
import { signerFolders, unmatchedSignerFiles } from '../repo/signer-folders.js';
import { Keyring } from '../discovery/keyring.js';
import type { KeyCandidate } from '../discovery/key-source.js';
import { keyFileCandidates, loadKeyringFiles } from '../discovery/sources/keyring-files.js';
import { checkRepository, type KnownSignatures } from '../repo/repository-checks.js';
import { parseSignerList } from '../verify/threshold.js';
import { buildManifest, type Manifest, type ManifestDocument } from '../report/manifest.js';
import { PledgeError } from '../core/reasons.js';
import { createPolicy } from '../verify/policy.js';
import type { DiscoveryRequest } from './create-discovery.js';
import { MAIN_THREAD_IN_ORDER } from './plan.js';
import { verifyingJudge } from './judging.js';
import { runPlan } from './runner.js';
import { DetachedPairing } from './detached-documents.js';

export interface RepositoryRequest {
  loaded: LoadedConfig;
  /** The generator version the manifest names (default: this pledge's). */
  version?: string;
  /** --keyring files, on top of the config's pinned `keys` folder. */
  keyrings: KeyringInput[];
  discovery: DiscoveryRequest;
  /** Verify only files changed since this git ref (pull-request CI). */
  changedSince?: string;
  now?: Date;
  limits?: Partial<Limits>;
  /** Stops the run between documents (Ctrl-C). */
  signal?: AbortSignal;
}

/** What a committed manifest already says, from its text (the merge base's in a pull request run). */
function parseKnown(text: string | null, name: string | undefined): KnownSignatures | null {
  if (text === null) return null;
  try {
    const manifest = JSON.parse(text) as Manifest;
    return { signers: manifest.signers ?? [], documents: manifest.documents ?? [] };
  } catch (error) {
    throw new PledgeError('usage', `${name}: the committed manifest is not valid JSON (${(error as Error).message})`);
  }
}

/** Would the config's globs take this path, were the file there? */
function matchesDocuments(path: string, config: LoadedConfig['config']): boolean {
  return globMatcher(config.documents)(path) && !globMatcher(config.exclude ?? [])(path);
}

function readAllowedSigners(file: string): Set<string> {
  try {
    return parseSignerList(readFileSync(file, 'utf8'), `allowedSigners ${file}`);
  } catch (error) {
    if (error instanceof PledgeError) throw error;
    throw new PledgeError('usage', `allowedSigners ${file}: ${(error as Error).message}`);
  }
}

/** The rules, known signers, allowed list and pinned keys a run trusts: the working tree's, or in a pull request the merge base's (S-01…S-03). */
async function trusted(loaded: LoadedConfig, base: BaseState | null): Promise<{ config: RepositoryConfig; known: KnownSignatures | null; allowed: Set<string> | null; pinned: KeyCandidate[] }> {
  if (!base) {
    const { root, config } = loaded;
    return {
      config,
      known: null, // only a pull request run is checked against the committed manifest
      allowed: config.allowedSigners ? readAllowedSigners(join(root, config.allowedSigners)) : null,
      pinned: config.keys ? await loadKeyringFiles([join(root, config.keys)], undefined, root) : [],
    };
  }
  const { config } = base;
  if (config.allowedSigners && base.allowedSignersText === null) throw new PledgeError('usage', `allowedSigners ${config.allowedSigners}: not in the merge base`);
  const pinned: KeyCandidate[] = [];
  // Named as the working tree's copy would be (relative to the repository), whatever the cwd.
  for (const { file, bytes } of base.keyFiles) pinned.push(...(await keyFileCandidates(file, bytes, undefined, loaded.root)));
  return {
    config,
    known: parseKnown(base.manifestText, config.manifest),
    allowed: base.allowedSignersText === null ? null : parseSignerList(base.allowedSignersText, `allowedSigners ${config.allowedSigners} (merge base)`),
    pinned,
  };
}

/**
 * A signers repository as its CI sees it: the config's documents (or only those changed since
 * a ref), each verified and held to the statement and identity rules, then the checks across
 * files. Paths in the manifest are relative to the config's folder, so they do not depend on
 * where pledge runs.
 */
export async function verifyRepository(request: RepositoryRequest): Promise<Manifest> {
  const { root } = request.loaded;
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const pr = request.changedSince ? await PullRequest.open(root, request.changedSince) : null;
  const base = pr ? await readBaseState(pr, request.loaded) : null;
  const { config, known: committed, allowed, pinned } = await trusted(request.loaded, base);
  const all = await expandGlobs(root, config.documents, config.exclude);
  let paths = all;
  const modified = new Set<string>();
  let known: KnownSignatures | null = null;
  let background: string[] = [];
  const deleted: string[] = [];
  // Files no check would otherwise see: protected files the pull request changed, and files in the signer folder the globs skip.
  const findingsOnly: ManifestDocument[] = [...(base?.findings ?? [])];
  if (pr) {
    const changes = pr.changes;
    // S-04: a signer file the pull request removes matched the globs at the merge base; it is gone now, so no glob sees it.
    for (const [path, kind] of changes) if (kind === 'deleted' && matchesDocuments(path, config)) deleted.push(path);
    paths = all.filter((path) => changes.get(path) === 'added' || changes.get(path) === 'modified');
    for (const path of paths) if (changes.get(path) === 'modified') modified.add(path);
    findingsOnly.push(...unmatchedSignerFiles([...changes].filter(([, kind]) => kind !== 'deleted').map(([path]) => path).sort(), config));
    const changed = new Set(paths);
    // Unchanged files are not reported; who signed them comes from the committed manifest,
    // or, without one, from verifying them too (quietly) so duplicates are still caught.
    known = committed;
    if (known) {
      known.documents = known.documents.filter((document) => !changed.has(document.path));
      known.signers = known.signers
        .map((signer) => ({ ...signer, documents: signer.documents.filter((path) => !changed.has(path)) }))
        .filter((signer) => signer.documents.length);
    } else background = all.filter((path) => !changed.has(path));
  } else {
    findingsOnly.push(...unmatchedSignerFiles(await expandGlobs(root, signerFolders(config.documents).map((folder) => `${folder}/**`)), config));
  }

  const keyring = async () => {
    const loaded = new Keyring();
    for (const candidate of [...pinned, ...(await loadKeyringFiles(request.keyrings, undefined, root))]) await loaded.add(candidate);
    return loaded;
  };
  const policy = createPolicy(request.now);
  // The repository plan: the files the globs chose (then, quietly, the unchanged ones), judged
  // with the repository's rules, on the main thread in file order; its checks follow over them all.
  const documents: ManifestDocument[] = [];
  const unchanged: ManifestDocument[] = [];
  // Issue 14: a changed signature file re-verifies the document it signs; each document once.
  const pairing = new DetachedPairing();
  const toVerify = await pairing.documentsOf(paths, root);
  const chosen = new Set(toVerify);
  const rest = (await pairing.documentsOf(background, root)).filter((path) => !chosen.has(path));
  const { lookups } = await runPlan(
    {
      origin: { kind: 'files', root, files: [...toVerify, ...rest] },
      judging: verifyingJudge(keyring, request.discovery, policy, config),
      execution: MAIN_THREAD_IN_ORDER,
      limits,
      ...(request.signal ? { signal: request.signal } : {}),
    },
    (document) => void (chosen.has(document.path) ? documents : unchanged).push(document),
  );
  if (background.length) known = { signers: [], documents: unchanged };
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
  documents.push(...findingsOnly);
  const manifest = buildManifest(documents, request.version ?? packageVersion(), lookups);
  // Issue 20 #2: a pull request that changes no signer file (and nothing protected) has nothing to verify, and passes.
  return pr && documents.length === 0 ? { ...manifest, ok: true } : manifest;
}
