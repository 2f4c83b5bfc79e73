/** Issue 17: `pledge completion bash|zsh|fish` and `pledge man`, generated from the command table: every command and option. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { createProgram, type CommandHandlers } from '../../src/cli/program.js';
import { runInProcess } from '../helpers/run-cli.js';

const has = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'pledge-completion-'));

/** Every command path and its visible long options, from the same table the CLI builds. */
function table(): Array<{ path: string; options: string[] }> {
  const rows: Array<{ path: string; options: string[] }> = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      rows.push({ path: [...path, sub.name()].join(' '), options: sub.options.filter((option) => !option.hidden && option.long).map((option) => option.long!) });
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(createProgram('0.0.0', {} as CommandHandlers, {}), []);
  return rows;
}

const scripts: Record<string, string> = {};
beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const result = await runInProcess(['completion', shell]);
    expect(result.code).toBe(0);
    scripts[shell] = result.stdout;
    writeFileSync(join(dir, `pledge.${shell}`), result.stdout);
  }
  scripts.man = (await runInProcess(['man'])).stdout;
});

describe('generated from the command table', () => {
  it('each script and the manual name every command and every option', () => {
    const rows = table();
    expect(rows.map((row) => row.path)).toEqual(expect.arrayContaining(['verify', 'keys fetch', 'completion', 'man']));
    for (const [name, text] of Object.entries(scripts)) {
      const plain = name === 'man' ? text.replace(/\\-/g, '-') : text;
      for (const row of rows) {
        expect(plain, `${name}: ${row.path}`).toContain(row.path.split(' ').at(-1));
        for (const option of row.options) expect(plain, `${name}: ${row.path} ${option}`).toContain(name === 'fish' ? `-l ${option.slice(2)}` : option);
      }
    }
    expect(scripts.man).toContain('.SS "pledge keys fetch [options] <query>"');
    expect(scripts.man).toContain('.B PLEDGE_FORMAT');
  });

  it('an unknown shell is a usage error', async () => {
    const result = await runInProcess(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("command-argument value 'powershell' is invalid");
  });
});

describe.skipIf(!has('bash'))(`bash${has('bash') ? '' : ' (skipped: bash is not installed)'}`, () => {
  const complete = (words: string[]) =>
    execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pledge; printf '%s\\n' "\${COMPREPLY[@]}"`, join(dir, 'pledge.bash'), ...words], { encoding: 'utf8' }).trim().split('\n');
  it('completes commands, subcommands, options and choices', () => {
    expect(complete(['pledge', 've'])).toEqual(['verify']);
    expect(complete(['pledge', 'keys', ''])).toEqual(['fetch', 'export', 'list', 'clear']);
    expect(complete(['pledge', 'verify', '--check'])).toEqual(['--check-manifest']);
    expect(complete(['pledge', 'verify', '--format', 'j'])).toEqual(['json', 'junit']);
    expect(complete(['pledge', 'keys', 'fetch', '--so'])).toEqual(['--sources']);
  });
});

describe.skipIf(!has('fish'))(`fish${has('fish') ? '' : ' (skipped: fish is not installed)'}`, () => {
  const complete = (line: string) =>
    execFileSync('fish', ['-c', `source $argv[1]; complete -C "$argv[2]"`, join(dir, 'pledge.fish'), line], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((entry) => entry.split('\t')[0]);
  it('completes commands, subcommands, options and choices', () => {
    expect(complete('pledge ve')).toEqual(['verify']);
    expect(complete('pledge keys ').sort()).toEqual(['clear', 'export', 'fetch', 'list']);
    expect(complete('pledge verify --check')).toEqual(['--check-manifest']);
    expect(complete('pledge verify --format j')).toEqual(['json', 'junit']);
  });
});

describe.skipIf(!has('zsh'))(`zsh${has('zsh') ? '' : ' (skipped: zsh is not installed)'}`, () => {
  it('the script parses, and defines a function per command', () => {
    expect(spawnSync('zsh', ['-n', join(dir, 'pledge.zsh')], { encoding: 'utf8' }).stderr).toBe('');
    const defined = execFileSync('zsh', ['-c', 'compdef() { :; }; source "$1"; print -l ${(k)functions[(I)_pledge*]}', 'zsh', join(dir, 'pledge.zsh')], { encoding: 'utf8' }).split('\n');
    expect(defined).toEqual(expect.arrayContaining(['_pledge', '_pledge_verify', '_pledge_keys', '_pledge_keys_fetch']));
  });
});

describe.skipIf(!has('groff'))(`the manual${has('groff') ? '' : ' (skipped: groff is not installed)'}`, () => {
  it('is roff that groff reads without a warning', () => {
    writeFileSync(join(dir, 'pledge.1'), scripts.man!);
    const result = spawnSync('groff', ['-man', '-ww', '-z', join(dir, 'pledge.1')], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
