import { promisify } from 'node:util';
import { childProcess } from '../core/built-ins.js';
import { PledgeError } from '../core/reasons.js';

/** execFile as a promise; node:child_process is loaded when git first runs. */
const run = () => promisify(childProcess().execFile);

export type ChangeKind = 'added' | 'modified' | 'deleted';

const MAX_BUFFER = 64 * 1024 * 1024;

function failure(args: string[], error: unknown): PledgeError {
  const stderr = String((error as { stderr?: string | Buffer }).stderr ?? (error as Error).message).trim();
  return new PledgeError('usage', `--changed-since: git ${args[0]} failed: ${stderr.split('\n')[0]}`);
}

async function git(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run()('git', args, { cwd: root, maxBuffer: MAX_BUFFER });
    return stdout;
  } catch (error) {
    throw failure(args, error);
  }
}

async function gitBytes(root: string, args: string[]): Promise<Buffer> {
  try {
    const { stdout } = await run()('git', args, { cwd: root, maxBuffer: MAX_BUFFER, encoding: 'buffer' });
    return stdout;
  } catch (error) {
    throw failure(args, error);
  }
}

/** One entry of `git ls-tree`: a file's mode, object id and path (relative to the folder git ran in). */
interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  path: string;
}

function parseTree(output: string): TreeEntry[] {
  return output
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', type = '', object = ''] = line.slice(0, tab).split(' ');
      return { mode, type, object, path: line.slice(tab + 1) };
    });
}

/**
 * A pull request as repository mode sees it: the merge base of REF and HEAD, what changed
 * since then (to the working tree, untracked files included), and the files as they were at
 * the merge base. Paths are POSIX and relative to `root`, the config's folder.
 */
export class PullRequest {
  private constructor(
    private readonly root: string,
    /** The ref the run was given (`main`, `origin/main`). */
    readonly ref: string,
    /** The merge base's commit id. */
    readonly base: string,
    readonly changes: Map<string, ChangeKind>,
  ) {}

  static async open(root: string, ref: string): Promise<PullRequest> {
    if (ref.startsWith('-')) throw new PledgeError('usage', `--changed-since: "${ref}" is not a git ref`);
    const base = (await git(root, ['merge-base', ref, 'HEAD'])).trim();
    const changes = new Map<string, ChangeKind>();
    const diff = await git(root, ['diff', '--name-status', '--no-renames', '-z', '--relative', base, '--']);
    const fields = diff.split('\0').filter(Boolean);
    for (let index = 0; index + 1 < fields.length; index += 2) {
      const status = fields[index]![0];
      changes.set(fields[index + 1]!, status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified');
    }
    const untracked = await git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
    for (const path of untracked.split('\0').filter(Boolean)) changes.set(path, 'added');
    return new PullRequest(root, ref, base, changes);
  }

  /** A file's bytes at the merge base, or null when it was not a file there. */
  async fileAtBase(path: string): Promise<Buffer | null> {
    const [entry] = parseTree(await git(this.root, ['ls-tree', '-z', this.base, '--', path])).filter((e) => e.path === path);
    if (!entry || entry.type !== 'blob' || entry.mode === '120000') return null;
    return gitBytes(this.root, ['cat-file', 'blob', entry.object]);
  }

  /** The regular files directly in a folder at the merge base (paths relative to root), sorted. */
  async filesAtBase(folder: string): Promise<string[]> {
    const prefix = folder === '' || folder === '.' ? '' : `${folder.replace(/\/+$/, '')}/`;
    const entries = parseTree(await git(this.root, ['ls-tree', '-z', this.base, '--', prefix || '.']));
    return entries
      .filter((entry) => entry.type === 'blob' && entry.mode !== '120000')
      .map((entry) => entry.path)
      .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
      .sort();
  }
}
