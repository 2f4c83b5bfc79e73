/** Issue 17: the options a CI job sets are PLEDGE_* variables too (commander's Option.env()), listed in --help. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropUnsetVariables } from '../../src/cli/environment.js';
import { createProgram, type CommandHandlers } from '../../src/cli/program.js';
import { clearsign, createSigner } from '../helpers/sign.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let post: string;
let key: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pledge-env-'));
  const signer = await createSigner();
  key = join(dir, 'key.asc');
  post = join(dir, 'post.md');
  await writeFile(key, signer.armoredPublicKey);
  await writeFile(post, await clearsign('Set by the environment.\n', [signer]));
});

describe('PLEDGE_* variables', () => {
  it('--help names each variable', async () => {
    const help = (await runCli(['verify', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const name of ['PLEDGE_FORMAT', 'PLEDGE_CONFIG', 'PLEDGE_CHANGED_SINCE', 'PLEDGE_CHECK_MANIFEST', 'PLEDGE_OFFLINE', 'PLEDGE_KEYRING', 'PLEDGE_CACHE_DIR', 'PLEDGE_QUIET']) {
      expect(help).toContain(`env: ${name}`);
    }
  });

  it('PLEDGE_FORMAT, PLEDGE_OFFLINE and PLEDGE_KEYRING set what the options would', async () => {
    const result = await runCli(['verify', post], { PLEDGE_FORMAT: 'json', PLEDGE_OFFLINE: '1', PLEDGE_KEYRING: key });
    expect(result.code).toBe(0);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.documents[0].blocks[0].signatures[0].status).toBe('verified');
    expect(manifest.lookups).toEqual([]);
  });

  it('an option typed wins over its variable', async () => {
    const result = await runCli(['verify', '--format', 'human', post], { PLEDGE_FORMAT: 'json', PLEDGE_OFFLINE: '1', PLEDGE_KEYRING: key });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 verified');
  });

  it('an empty variable is unset, as the Action passes an input left out', async () => {
    const result = await runCli(['verify', '--offline', '-k', key, post], { PLEDGE_CONFIG: '', PLEDGE_CHANGED_SINCE: '', PLEDGE_CHECK_MANIFEST: '', PLEDGE_FORMAT: '' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a value the option refuses is a usage error naming the variable', async () => {
    const result = await runCli(['verify', '--offline', '-k', key, post], { PLEDGE_FORMAT: 'yaml' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("from env 'PLEDGE_FORMAT' is invalid");
  });

  it('a switch set to 0, false, no or off is off; any other value on', () => {
    const program = createProgram('0.0.0', {} as CommandHandlers, {});
    const env: NodeJS.ProcessEnv = { PLEDGE_OFFLINE: '0', PLEDGE_QUIET: 'false', PLEDGE_REDACT: 'off', PLEDGE_SIGNED_ONLY: 'yes', PLEDGE_CONFIG: ' ', PLEDGE_FORMAT: 'json', OTHER: '' };
    dropUnsetVariables(program, env);
    expect(env).toEqual({ PLEDGE_SIGNED_ONLY: 'yes', PLEDGE_FORMAT: 'json', OTHER: '' });
  });
});
