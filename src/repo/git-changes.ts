import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PledgeError } from '../core/reasons.js';

const run = promisify(execFile);

export type ChangeKind = 'added' | 'modified' | 'deleted';

async function git(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new PledgeError('usage', `--changed-since: git ${args[0]} failed: ${stderr.split('\n')[0]}`);
  }
}

/**
 * Files changed since a git ref, as a pull request shows them: from the merge base of REF and
 * HEAD to the working tree, plus untracked files. Paths are relative to `root`.
 */
export async function changedFiles(root: string, ref: string): Promise<Map<string, ChangeKind>> {
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
  return changes;
}
