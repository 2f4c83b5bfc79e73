import { join } from 'node:path';
import { split } from 'shlex';

/**
 * An input as the runner passes a JavaScript action its `with:` values: INPUT_<NAME> with the
 * name upper-cased and spaces made `_` (a `-` stays), trimmed as @actions/core trims it.
 */
export function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Where the manifest goes when the `manifest` input is empty: the job's temporary folder. */
export function manifestPath(env: NodeJS.ProcessEnv): string {
  return input(env, 'manifest') || join(env.RUNNER_TEMP ?? '.', 'pledge-manifest.json');
}

/**
 * The `pledge verify` arguments the inputs ask for. `args` is split as a shell splits words
 * (quotes and backslashes), never expanded: no globbing, no variables, so
 * `--include _signatures/*.md` reaches pledge as written. The action's own options come
 * first, so an option repeated in `args` wins.
 */
export function verifyArguments(env: NodeJS.ProcessEnv): string[] {
  const args = ['verify', '--format', input(env, 'format') || 'github', '--manifest', manifestPath(env)];
  // The bundle carries no worker script: verify on the main thread (the reader falls back by itself).
  args.push('--jobs', '1');
  const options: [string, string][] = [
    ['changed-since', '--changed-since'],
    ['config', '--config'],
    ['check-manifest', '--check-manifest'],
    ['cache-dir', '--cache-dir'],
  ];
  for (const [name, option] of options) if (input(env, name)) args.push(option, input(env, name));
  return [...args, ...split(input(env, 'args'))];
}
