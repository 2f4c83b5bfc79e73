import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaAt, strictAjv } from '../helpers/manifest-schema.js';
import { REPO, runCli } from '../helpers/run-cli.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('schema/pledge-config.schema.json', () => {
  it("compiles under Ajv's strict mode, and the example config validates", () => {
    const validate = strictAjv().compile(schemaAt('schema/pledge-config.schema.json'));
    const example = JSON.parse(readFileSync(join(REPO, 'examples/signers-repo/pledge.config.json'), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...example, duplicateSigner: 'sometimes' })).toBe(false);
  });

  it('a config that is not JSON is a usage error naming the file, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-config-json-'));
    writeFileSync(join(dir, 'pledge.config.json'), '{ "documents": ["*.md"], }');
    const result = await runCli(['verify', '--offline'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pledge\.config\.json: not valid JSON/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --changed-since, an invalid config at the merge base names the file there and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-config-base-'));
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'pledge.config.json'), JSON.stringify({ documents: ['s/*.md'], minSignatures: 0 }));
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'config');
    git(dir, 'checkout', '-q', '-b', 'fix');
    writeFileSync(join(dir, 'pledge.config.json'), JSON.stringify({ documents: ['s/*.md'] }));
    const result = await runCli(['verify', '--offline', '--changed-since', 'main'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pledge.config.json at the merge base');
    expect(result.stderr).toContain('/minSignatures');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
