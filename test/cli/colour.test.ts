/** Issue 17: colour as other Node CLIs decide it (NO_COLOR, FORCE_COLOR, --color), never on a pipe unless forced. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { colourLevel, type ColourMode } from '../../src/cli/context.js';
import { clearsign, createSigner } from '../helpers/sign.js';
import { runInProcess } from '../helpers/run-cli.js';

describe('colourLevel', () => {
  const cases: Array<[tty: boolean, env: Record<string, string>, mode: ColourMode, level: number]> = [
    [true, {}, 'auto', 1],
    [false, {}, 'auto', 0],
    [true, { NO_COLOR: '1' }, 'auto', 0],
    [true, { NO_COLOR: '' }, 'auto', 1], // an empty NO_COLOR is ignored (no-color.org)
    [true, { TERM: 'dumb' }, 'auto', 0],
    [false, { FORCE_COLOR: '1' }, 'auto', 1],
    [false, { FORCE_COLOR: '' }, 'auto', 1],
    [false, { FORCE_COLOR: 'true' }, 'auto', 1],
    [false, { FORCE_COLOR: '3' }, 'auto', 3],
    [true, { FORCE_COLOR: '0' }, 'auto', 0],
    [true, { FORCE_COLOR: 'false' }, 'auto', 0],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, 'auto', 1], // as Node's own getColorDepth
    [false, {}, 'always', 1],
    [false, { NO_COLOR: '1' }, 'always', 1],
    [false, { FORCE_COLOR: '2' }, 'always', 2],
    [true, {}, 'never', 0],
    [true, { FORCE_COLOR: '3' }, 'never', 0],
  ];
  for (const [tty, env, mode, level] of cases) {
    it(`${tty ? 'a terminal' : 'a pipe'}, ${JSON.stringify(env)}, --color=${mode}: level ${level}`, () => {
      expect(colourLevel(tty, env, mode)).toBe(level);
    });
  }
});

describe('pledge verify --color', () => {
  let post: string;
  let key: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pledge-colour-'));
    const signer = await createSigner();
    key = join(dir, 'key.asc');
    post = join(dir, 'post.md');
    await writeFile(key, signer.armoredPublicKey);
    await writeFile(post, await clearsign('Colours.\n', [signer]));
  });
  // eslint-disable-next-line no-control-regex
  const ANSI = /\u001b\[/;
  const verify = (args: string[], env: Record<string, string>, tty: boolean) => runInProcess(['verify', '--offline', '--no-cache', '-k', key, ...args, post], { env: { NO_COLOR: '', ...env }, tty });

  it('colours a terminal, not a pipe', async () => {
    expect((await verify([], {}, true)).stdout).toMatch(ANSI);
    expect((await verify([], {}, false)).stdout).not.toMatch(ANSI);
  });
  it('NO_COLOR=1 and FORCE_COLOR=0 turn it off on a terminal; FORCE_COLOR=1 turns it on in a pipe', async () => {
    expect((await verify([], { NO_COLOR: '1' }, true)).stdout).not.toMatch(ANSI);
    expect((await verify([], { FORCE_COLOR: '0' }, true)).stdout).not.toMatch(ANSI);
    expect((await verify([], { FORCE_COLOR: '1' }, false)).stdout).toMatch(ANSI);
  });
  it('--color=always, --color=never and --no-color win over the environment', async () => {
    expect((await verify(['--color=always'], { NO_COLOR: '1' }, false)).stdout).toMatch(ANSI);
    expect((await verify(['--color', 'never'], { FORCE_COLOR: '1' }, true)).stdout).not.toMatch(ANSI);
    expect((await verify(['--no-color'], {}, true)).stdout).not.toMatch(ANSI);
  });
  it('--color=sometimes is a usage error', async () => {
    const result = await verify(['--color=sometimes'], {}, false);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("argument 'sometimes' is invalid");
  });
});
