import { readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import type { Finding } from '../core/reasons.js';
import { isKeyFileName } from '../discovery/sources/keyring-files.js';
import type { ManifestDocument } from '../report/manifest.js';
import type { PullRequest } from './git-changes.js';
import { parseConfig, type LoadedConfig, type RepositoryConfig } from './load-config.js';

/**
 * What repository mode trusts in a pull request run (S-01…S-03): the rules, the list of who
 * already signed and the pinned keys, all as they were at the merge base. The pull request is
 * what is being judged, so it cannot bring its own judge.
 */
export interface BaseState {
  /** The merge base's config; the working tree's only when the merge base has none (a new repository). */
  config: RepositoryConfig;
  manifestText: string | null;
  allowedSignersText: string | null;
  /** Pinned key files at the merge base: each file's absolute path (its name) and its bytes there. */
  keyFiles: { file: string; bytes: Buffer }[];
  /** Each protected file the pull request changes, as a finding-only document. */
  findings: ManifestDocument[];
}

/** A config path as `git diff` prints paths: POSIX, relative, no `./`; the root folder is ''. */
function normalise(path: string): string {
  const clean = posix.normalize(path.split(sep).join('/')).replace(/\/+$/, '');
  return clean === '.' ? '' : clean;
}

/** The first line where two versions differ (1-based); a new file is line 1, a deleted one has none. */
function firstChangedLine(before: Buffer | null, after: Buffer | null): number | undefined {
  if (!after) return undefined;
  if (!before) return 1;
  const old = before.toString('utf8').split('\n');
  const now = after.toString('utf8').split('\n');
  const index = now.findIndex((line, at) => line !== old[at]);
  return index === -1 ? Math.max(1, Math.min(now.length, old.length)) : index + 1;
}

function readWorkingFile(root: string, path: string): Buffer | null {
  try {
    return readFileSync(join(root, path));
  } catch {
    return null;
  }
}

/** Which protected role a changed path plays, if any. */
function roleOf(path: string, names: { config: string; manifest: string | null; allowedSigners: string | null; keys: string | null }): string | null {
  if (path === names.config) return 'the repository config';
  if (path === names.manifest) return 'the committed manifest';
  if (path === names.allowedSigners) return 'the allowed signers list';
  if (names.keys !== null) {
    const prefix = names.keys ? `${names.keys}/` : '';
    const rest = path.startsWith(prefix) ? path.slice(prefix.length) : null;
    if (rest !== null && !rest.includes('/') && isKeyFileName(rest)) return 'a pinned key';
  }
  return null;
}

/** The merge base's config, manifest, allowed signers and pinned keys, and what the pull request changed of them. */
export async function readBaseState(pr: PullRequest, loaded: LoadedConfig): Promise<BaseState> {
  const configPath = normalise(relative(loaded.root, loaded.path));
  const short = pr.base.slice(0, 12);
  const configBytes = await pr.fileAtBase(configPath);
  const config = configBytes ? parseConfig(configBytes.toString('utf8'), `${configPath} at the merge base ${short}`) : loaded.config;
  const names = {
    config: configPath,
    manifest: config.manifest ? normalise(config.manifest) : null,
    allowedSigners: config.allowedSigners ? normalise(config.allowedSigners) : null,
    keys: config.keys !== undefined ? normalise(config.keys) : null,
  };
  const text = async (path: string | null) => (path === null ? null : ((await pr.fileAtBase(path))?.toString('utf8') ?? null));
  const keyFiles: BaseState['keyFiles'] = [];
  if (names.keys !== null) {
    for (const path of await pr.filesAtBase(names.keys)) {
      if (!isKeyFileName(posix.basename(path))) continue;
      keyFiles.push({ file: join(loaded.root, path), bytes: (await pr.fileAtBase(path))! });
    }
  }
  const findings: ManifestDocument[] = [];
  for (const [path, kind] of [...pr.changes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const role = roleOf(path, names);
    if (!role) continue;
    const line = firstChangedLine(kind === 'added' ? null : await pr.fileAtBase(path), kind === 'deleted' ? null : readWorkingFile(loaded.root, path));
    const finding: Finding = {
      code: 'protected-file-changed',
      severity: 'error',
      message: `this pull request ${kind === 'added' ? 'adds' : kind === 'deleted' ? 'deletes' : 'changes'} ${role}, which a pull request cannot change: pledge judged it with the version at the merge base (${short}). A maintainer changes it in a direct commit to the base branch (${pr.ref}), not in a pull request`,
      ...(line ? { line } : {}),
    };
    findings.push({ path, status: 'not-signed', error: null, blocks: [], findings: [finding] });
  }
  return { config, manifestText: await text(names.manifest), allowedSignersText: await text(names.allowedSigners), keyFiles, findings };
}
