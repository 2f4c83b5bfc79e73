/** Issue 17: the key cache in each system's cache folder, and atomic renames that survive Windows' transient EPERM/EBUSY. */
import { mkdtemp, readFile, readdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renameRetrying, writeFileAtomic, type Rename } from '../../src/core/atomic-file.js';
import { defaultCacheDirectory } from '../../src/discovery/key-cache.js';

describe('defaultCacheDirectory', () => {
  it('is XDG on Linux, ~/Library/Caches on macOS and %LOCALAPPDATA% on Windows', () => {
    expect(defaultCacheDirectory({}, '/home/ada', 'linux')).toBe('/home/ada/.cache/pledge');
    expect(defaultCacheDirectory({ XDG_CACHE_HOME: '/var/cache/ada' }, '/home/ada', 'linux')).toBe('/var/cache/ada/pledge');
    expect(defaultCacheDirectory({}, '/Users/ada', 'darwin')).toBe('/Users/ada/Library/Caches/pledge');
    expect(defaultCacheDirectory({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'C:\\Users\\ada', 'win32')).toBe('C:\\Users\\ada\\AppData\\Local\\pledge\\Cache');
    expect(defaultCacheDirectory({}, 'C:\\Users\\ada', 'win32')).toBe('C:\\Users\\ada\\AppData\\Local\\pledge\\Cache');
  });
  it('an XDG_CACHE_HOME set on purpose wins on every system', () => {
    expect(defaultCacheDirectory({ XDG_CACHE_HOME: '/tmp/c' }, '/Users/ada', 'darwin')).toBe('/tmp/c/pledge');
  });
});

/** A rename that fails as Windows' does while an antivirus holds the file, `failures` times, then renames. */
function flakyRename(code: string, failures: number): Rename & { calls: number } {
  const flaky = Object.assign(
    async (from: string, to: string) => {
      flaky.calls++;
      if (flaky.calls <= failures) throw Object.assign(new Error(`${code}: operation not permitted, rename`), { code });
      await rename(from, to);
    },
    { calls: 0 },
  );
  return flaky;
}

describe('atomic renames', () => {
  for (const code of ['EPERM', 'EBUSY']) {
    it(`a rename that fails twice with ${code} is retried, and the file written whole`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pledge-rename-'));
      const flaky = flakyRename(code, 2);
      await writeFileAtomic(join(dir, 'manifest.json'), '{"ok":true}\n', flaky);
      expect(flaky.calls).toBe(3);
      expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe('{"ok":true}\n');
      expect(await readdir(dir)).toEqual(['manifest.json']);
    });
  }

  it('a refusal that lasts ends in the error after a few tries, the temporary file removed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pledge-rename-'));
    const flaky = flakyRename('EPERM', Infinity);
    await expect(writeFileAtomic(join(dir, 'manifest.json'), 'x', flaky)).rejects.toMatchObject({ code: 'EPERM' });
    expect(flaky.calls).toBe(5);
    expect(await readdir(dir)).toEqual([]);
  });

  it('another error is not retried', async () => {
    const flaky = flakyRename('ENOENT', 1);
    await expect(renameRetrying('/nonexistent/a', '/nonexistent/b', flaky)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(flaky.calls).toBe(1);
  });
});
