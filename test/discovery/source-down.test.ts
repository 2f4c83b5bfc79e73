/**
 * Issue 20 #8: a source that timed out is marked down for the rest of the run. Sources are
 * still asked one after another (each extra request tells another server whom you check), but
 * one unreachable server costs one --timeout per run, not one per key; the lookups say so.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { respondAfter, startServer, type TestServer } from '../helpers/http-server.js';
import { runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner } from '../helpers/sign.js';
import { vksHandler } from '../helpers/servers/vks.js';

const servers: TestServer[] = [];
afterAll(async () => Promise.all(servers.map((server) => server.close())));

async function threeUnknownSigners(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-source-down-'));
  for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `${name}.txt`), await clearsign(`statement ${name}`, [await createSigner(`${name} <${name}@example.org>`)]));
  return dir;
}

describe('a source that timed out', () => {
  it('is asked once, then skipped for the other keys: lookups record source-down, the run stays within one timeout', async () => {
    const silent = await startServer(() => respondAfter(10_000, { status: 404, body: 'late' }));
    servers.push(silent);
    const dir = await threeUnknownSigners();
    const cache = mkdtempSync(join(tmpdir(), 'pledge-source-down-cache-'));
    const result = await runCli(['verify', '--json', '--sources', 'vks', '--vks-url', silent.origin, '--timeout', '1', '--cache-dir', cache, '--jobs', '1', dir]);
    const manifest = JSON.parse(result.stdout);
    const codes = manifest.lookups.map((lookup: { code: string }) => lookup.code).sort();
    expect(codes.filter((code: string) => code === 'network-timeout').length).toBeGreaterThanOrEqual(1);
    // Documents in flight together may all have asked before the first timeout; none asks after it.
    expect(silent.requests.length).toBe(codes.filter((code: string) => code === 'network-timeout').length);
    for (const document of manifest.documents) expect(document.blocks[0].signatures[0].status).toBe('key-unavailable');
    expect(result.code).toBe(3);
  });

  it('asked again for a later key: not asked, a source-down lookup with no URL is recorded', async () => {
    const silent = await startServer(() => respondAfter(10_000, { status: 404, body: 'late' }));
    servers.push(silent);
    const { createDiscovery } = await import('../../src/pipeline/create-discovery.js');
    const { Keyring } = await import('../../src/discovery/keyring.js');
    const { discovery, close } = await createDiscovery(
      new Keyring(),
      { offline: false, cacheDirectory: null, sources: { order: ['vks'], vksURL: silent.origin, keyservers: [] }, allowedHosts: [new URL(silent.origin).host], userAgent: 'pledge-test', requestTimeoutMs: 1000 },
      new Date(),
    );
    try {
      const first = await discovery.candidatesFor({ issuerFingerprint: 'A'.repeat(40), issuerKeyID: 'A'.repeat(16) }, []);
      const second = await discovery.candidatesFor({ issuerFingerprint: 'B'.repeat(40), issuerKeyID: 'B'.repeat(16) }, []);
      expect(first.unavailable).toContain('vks');
      expect(second.unavailable).toContain('did not answer earlier in this run');
      expect(discovery.lookups.map((lookup) => [lookup.code, lookup.urls.length])).toEqual([
        ['network-timeout', 1],
        ['source-down', 0],
      ]);
      expect(silent.requests.length).toBe(1);
    } finally {
      await close();
    }
  });

  it('control: a source that answers "not found" is asked for every key', async () => {
    const empty = await startServer(vksHandler({ keys: [] }));
    servers.push(empty);
    const dir = await threeUnknownSigners();
    const cache = mkdtempSync(join(tmpdir(), 'pledge-source-down-cache-'));
    const result = await runCli(['verify', '--json', '--sources', 'vks', '--vks-url', empty.origin, '--cache-dir', cache, dir]);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.lookups.map((lookup: { outcome: string }) => lookup.outcome)).toEqual(['not-found', 'not-found', 'not-found']);
    expect(empty.requests.length).toBe(3);
    expect(result.code).toBe(1);
  });
});
