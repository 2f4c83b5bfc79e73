import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respondAfter, startServer, type TestServer } from '../helpers/http-server.js';
import { runCli } from '../helpers/run-cli.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';
import { githubHandler } from '../helpers/servers/github.js';
import { keybaseHandler } from '../helpers/servers/keybase.js';
import { stripUserIDs, vksHandler } from '../helpers/servers/vks.js';
import { wkdHandler } from '../helpers/servers/wkd.js';
import { sksSkipReason, startSks, type RunningSks } from '../helpers/sks.js';

/**
 * `pledge verify` end to end against real servers on 127.0.0.1: each signer's key lives on
 * exactly one of them, and the CLI must find it there, say where it came from, and refuse
 * what a server sends that does not hold the signature's key.
 */

let dir: string;
const signers: Record<string, TestSigner> = {};
const servers: Record<string, TestServer> = {};
let sks: RunningSks | null = null;
const skipSks = sksSkipReason();

async function post(name: string, frontMatter: Record<string, string>, signer: TestSigner): Promise<string> {
  const path = join(dir, `${name}.md`);
  const matter = Object.entries(frontMatter)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n');
  await writeFile(path, `---\n${matter}\n---\n\n\`\`\`text\n${await clearsign(`I, ${name}, commit to the pledge.\n`, [signer])}\`\`\`\n`);
  return path;
}

const binary = async (signer: TestSigner) => (await openpgp.readKey({ armoredKey: signer.armoredPublicKey })).write();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pledge-discovery-'));
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory', 'frank']) {
    signers[name] = await createSigner(`${name} <${name}@example.org>`);
  }
  servers.keybase = await startServer(keybaseHandler({ users: [{ username: 'alice', armoredKeys: [signers.alice!.armoredPublicKey], proofs: [{ service: 'github', name: 'alice', url: 'https://github.com/alice' }] }] }));
  servers.vks = await startServer(vksHandler({ keys: [await stripUserIDs(signers.bob!.armoredPublicKey)] }));
  servers.wkd = await startServer(wkdHandler({ domain: 'example.org', layout: 'both', entries: [{ email: 'dave@example.org', binaryKeys: await binary(signers.dave!) }] }));
  // GitHub lists erin's key for erin, and (a lie) mallory's key for frank.
  servers.github = await startServer(githubHandler({ users: { erin: [signers.erin!.armoredPublicKey], frank: [signers.mallory!.armoredPublicKey] } }));
  servers.slow = await startServer(() => respondAfter(20_000, { status: 404 }));
  if (!skipSks) {
    const started = await startSks({ binaryKeys: [await binary(signers.carol!)] });
    if ('origin' in started) sks = started;
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
  await sks?.stop();
});

function aimedAtServers(cacheDir: string): string[] {
  return ['--keybase-url', servers.keybase!.origin, '--vks-url', servers.vks!.origin, '--wkd-origin', servers.wkd!.origin, '--github-url', servers.github!.origin, '--keyserver', sks?.origin ?? servers.vks!.origin, '--cache-dir', cacheDir];
}

const requestCount = () => Object.values(servers).reduce((sum, server) => sum + server.requests.length, 0);

async function verifyJSON(args: string[]) {
  const result = await runCli(['verify', '--json', ...args]);
  const manifest = JSON.parse(result.stdout);
  expectValidManifest(manifest);
  return { code: result.code, manifest, stderr: result.stderr };
}

describe('pledge verify with key discovery', () => {
  it('finds a key only on Keybase, by fingerprint, and records the server’s proof claims', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const { code, manifest } = await verifyJSON([...aimedAtServers(cache), await post('alice', {}, signers.alice!)]);
    expect(code).toBe(0);
    const signature = manifest.documents[0].blocks[0].signatures[0];
    expect(signature).toMatchObject({ status: 'verified', keySource: 'keybase:alice', keybase: { username: 'alice', proofs: [{ service: 'github', name: 'alice' }] } });
    // keys.openpgp.org is asked first and says 404; then Keybase answers; then the keyserver
    // after it is asked for revocations Keybase's copy might lack (K-12).
    expect(manifest.lookups.map((l: { source: string; outcome: string }) => `${l.source}:${l.outcome}`)).toEqual(['vks:not-found', 'keybase:found', `hkp:${sks?.origin ?? servers.vks!.origin}:not-found`]);
    expect(servers.keybase!.requests.at(-1)!.query.get('key_fingerprint')).toBe(signers.alice!.fingerprint.toLowerCase());
  });

  it('verifies with a key keys.openpgp.org serves without user IDs, and says pledge judged the key', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const { code, manifest } = await verifyJSON([...aimedAtServers(cache), await post('bob', {}, signers.bob!)]);
    expect(code).toBe(0);
    expect(manifest.documents[0].blocks[0].signatures[0]).toMatchObject({
      status: 'verified',
      keySource: 'vks',
      keyEvaluation: 'pledge-no-user-id',
      userIDs: [],
      primaryKeyFingerprint: signers.bob!.fingerprint,
    });
  });

  it.skipIf(skipSks)(`finds a key only on the real SKS keyserver ${skipSks ? `(skipped: ${skipSks})` : ''}`, async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const { code, manifest } = await verifyJSON([...aimedAtServers(cache), await post('carol', {}, signers.carol!)]);
    expect(code).toBe(0);
    expect(manifest.documents[0].blocks[0].signatures[0]).toMatchObject({ status: 'verified', keySource: `hkp:${sks!.origin}` });
    expect(manifest.lookups.at(-1).urls[0]).toBe(`${sks!.origin}/pks/lookup?op=get&options=mr&search=0x${signers.carol!.fingerprint}`);
  });

  it('finds a key only by WKD from the front matter e-mail', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const { code, manifest } = await verifyJSON([...aimedAtServers(cache), await post('dave', { email: 'dave@example.org' }, signers.dave!)]);
    expect(code).toBe(0);
    expect(manifest.documents[0].blocks[0].signatures[0]).toMatchObject({ status: 'verified', keySource: 'wkd:dave@example.org' });
    expect(servers.wkd!.requests.some((r) => r.path.startsWith('/.well-known/openpgpkey/example.org/hu/'))).toBe(true);
  });

  it('finds a key only on GitHub from the front matter account', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const { code, manifest } = await verifyJSON([...aimedAtServers(cache), await post('erin', { github: 'erin' }, signers.erin!)]);
    expect(code).toBe(0);
    expect(manifest.documents[0].blocks[0].signatures[0]).toMatchObject({ status: 'verified', keySource: 'github:erin' });
  });

  it('refuses a key a server sends that does not hold the signature’s key (K-01)', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const { code, manifest } = await verifyJSON([...aimedAtServers(cache), await post('frank', { github: 'frank' }, signers.frank!)]);
    expect(code).toBe(1);
    expect(manifest.documents[0].blocks[0].signatures[0]).toMatchObject({ status: 'no-public-key' });
    expect(manifest.signers).toEqual([]);
    expect(manifest.lookups).toContainEqual(expect.objectContaining({ source: 'github', outcome: 'mismatch' }));
  });

  it('ends in key-unavailable (exit 3) within the deadline when the only source is slow or dead', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const document = await post('alice-slow', {}, signers.alice!);
    const started = Date.now();
    const slow = await verifyJSON(['--sources', 'vks', '--vks-url', servers.slow!.origin, '--timeout', '1', '--cache-dir', cache, document]);
    expect(slow.code).toBe(3);
    expect(slow.manifest.documents[0].blocks[0].signatures[0]).toMatchObject({ status: 'key-unavailable', reason: { code: 'key-unavailable' } });
    expect(Date.now() - started).toBeLessThan(15_000); // the server would answer only after 20 s
    const dead = await verifyJSON(['--sources', 'vks', '--vks-url', 'http://127.0.0.1:1', '--cache-dir', cache, document]);
    expect(dead.code).toBe(3);
    expect(dead.manifest.lookups[0]).toMatchObject({ source: 'vks', outcome: 'error' });
  });

  it('answers a second run from the cache, and --offline makes no request at all', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const document = await post('erin-cached', { github: 'erin' }, signers.erin!);
    expect((await verifyJSON([...aimedAtServers(cache), document])).code).toBe(0);
    const before = requestCount();
    const offline = await verifyJSON([...aimedAtServers(cache), '--offline', document]);
    expect(offline.code).toBe(0);
    expect(offline.manifest.documents[0].blocks[0].signatures[0]).toMatchObject({ status: 'verified', keySource: 'github:erin' });
    expect(offline.manifest.lookups).toEqual([]);
    const elsewhere = await verifyJSON([...aimedAtServers(await mkdtemp(join(tmpdir(), 'pledge-cache-'))), '--offline', await post('alice-offline', {}, signers.alice!)]);
    expect(elsewhere.manifest.documents[0].blocks[0].signatures[0].status).toBe('no-public-key');
    expect(requestCount()).toBe(before);
  });

  it('refuses a loopback server the user did not name (N-01)', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    // The document's key URL points at 127.0.0.1, which the user never named on the command line.
    const document = await post('alice-ssrf', { key: `https://127.0.0.1:${servers.keybase!.port}/alice.asc` }, signers.alice!);
    const before = servers.keybase!.requests.length;
    const { manifest } = await verifyJSON(['--sources', 'url', '--cache-dir', cache, document]);
    expect(manifest.lookups[0]).toMatchObject({ source: 'url', outcome: 'error', code: 'network-blocked' });
    expect(servers.keybase!.requests.length).toBe(before);
  });
});

describe('pledge keys', () => {
  it('fetches keybase:USER into the cache, lists it and clears it', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'pledge-cache-'));
    const fetched = await runCli(['keys', 'fetch', 'keybase:alice', '--json', '--sources', 'keybase', '--keybase-url', servers.keybase!.origin, '--cache-dir', cache]);
    expect(fetched.code).toBe(0);
    expect(JSON.parse(fetched.stdout).keys).toMatchObject([{ fingerprint: signers.alice!.fingerprint, source: 'keybase:alice' }]);
    const listed = JSON.parse((await runCli(['keys', 'list', '--json', '--cache-dir', cache])).stdout);
    expect(listed.keys).toMatchObject([{ fingerprint: signers.alice!.fingerprint, source: 'keybase:alice' }]);
    expect(JSON.parse((await runCli(['keys', 'clear', '--json', '--cache-dir', cache])).stdout)).toEqual({ removed: 1 });
    expect(JSON.parse((await runCli(['keys', 'list', '--json', '--cache-dir', cache])).stdout).keys).toEqual([]);
  });

  it('rejects a query of no known shape with exit 2', async () => {
    const result = await runCli(['keys', 'fetch', '../etc/passwd']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a fingerprint');
  });
});
