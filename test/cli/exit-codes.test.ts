import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { REPO, runCli } from '../helpers/run-cli.js';

/** The exit codes are public API: the README and --help must list exactly the table in the code. */
describe('exit codes', () => {
  const codes = Object.values(ExitCode).sort((a, b) => a - b);

  it('are documented in the README, each once', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('## What pledge checks'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1]));
    expect(documented).toEqual(codes);
  });

  it('are documented in --help', async () => {
    const help = (await runCli(['--help'])).stdout;
    for (const code of codes) expect(help).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
  });
});
