// The benchmark's corpora, generated once under .bench/ (git-ignored) and reused:
//   corpus-10000/   keys/signer-NNN.asc, keyring.gpg (gpgv), docs/statement-NNNNN.txt, meta.json
//   corpus-100000/  docs/: 10 hard links (new names) per statement of corpus-10000, meta.json
//   network/        users.json (1,000 Keybase-like users, Ed25519), docs/userN.md, meta.json
// meta.json is written last: a directory without it is incomplete and is generated again.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as openpgp from 'openpgp';

const SHA512 = { preferredHashAlgorithm: openpgp.enums.hash.sha512 };

export const SIGNERS = 200;
export const STATEMENTS = 10_000;
/** Per 5 signers: 2 RSA-2048, 1 RSA-4096, 2 Ed25519 → 80 / 40 / 80 of 200. */
const KEY_PATTERN = ['rsa2048', 'ed25519', 'rsa4096', 'rsa2048', 'ed25519'];
export const keyTypeOf = (signer) => KEY_PATTERN[signer % KEY_PATTERN.length];

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Ken', 'Radia', 'Donald', 'Margaret', 'Whitfield', 'Hedy', 'Tim', 'Sophie', 'Linus', 'Karen', 'Dennis', 'Joan', 'Claude', 'Evelyn'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Haddad', 'Kowalski', 'Rivera', 'Nakamura', 'Osei', 'Petrov'];
const ROLES = ['software engineer', 'data scientist', 'site reliability engineer', 'product designer', 'security researcher', 'engineering manager', 'student', 'database administrator'];
const PLEDGES = [
  'I refuse to participate in the creation of databases of identifying information for the purpose of targeting individuals based on race, religion, or national origin.',
  'I will not build software whose purpose is the mass surveillance of people exercising their rights.',
  'I will advocate within my organisation for the minimal collection and retention of personal data.',
  'I will resign rather than knowingly deploy a system built to discriminate against the people it serves.',
  'I will report the misuse of the data I am entrusted with, and I will not look away.',
];
export const signerName = (signer) => `${FIRST[signer % FIRST.length]} ${LAST[Math.floor(signer / FIRST.length) % LAST.length]} ${String(signer).padStart(3, '0')}`;
const signerEmail = (signer) => `signer-${String(signer).padStart(3, '0')}@pledge.example`;

function statementText(n, signer, total) {
  const date = new Date(Date.UTC(2016, 11, 13) + n * 3_600_000).toISOString().slice(0, 10);
  return `I, ${signerName(signer)}, ${ROLES[signer % ROLES.length]}, make this statement in my own name.\n\n${PLEDGES[n % PLEDGES.length]}\n\nStatement ${n + 1} of ${total}, dated ${date}.\n`;
}

const readMeta = (dir) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  } catch {
    return null;
  }
};

function run(command, args, { env, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err.trim()}`));
      else resolve(Buffer.concat(out));
    });
    if (input !== undefined) {
      child.stdin.on('error', () => undefined); // a command that exits early: its exit code tells
      child.stdin.end(input);
    }
  });
}

const GPG_BATCH = ['--batch', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', ''];

/** GnuPG keys for `signers` in `homes` parallel GNUPGHOMEs (RSA prime search is CPU-bound). */
async function generateWithGnuPG(signers, homes) {
  const dirs = Array.from({ length: homes }, () => mkdtempSync(join(tmpdir(), 'pledge-bench-gnupg-')));
  try {
    await Promise.all(
      dirs.map(async (home, h) => {
        const env = { ...process.env, GNUPGHOME: home };
        for (let signer = h; signer < signers; signer += homes) {
          const algo = keyTypeOf(signer);
          await run('gpg', [...GPG_BATCH, '--quick-gen-key', `${signerName(signer)} <${signerEmail(signer)}>`, algo, 'sign', 'never'], { env });
        }
      }),
    );
    const secret = [];
    const binary = [];
    for (const home of dirs) {
      const env = { ...process.env, GNUPGHOME: home };
      secret.push((await run('gpg', [...GPG_BATCH, '--armor', '--export-secret-keys'], { env })).toString('utf8'));
      binary.push(await run('gpg', [...GPG_BATCH, '--export'], { env }));
    }
    const keys = (await Promise.all(secret.map((armoredKeys) => openpgp.readPrivateKeys({ armoredKeys })))).flat();
    const bySigner = new Array(signers);
    for (const key of keys) {
      const email = key.users[0]?.userID?.email ?? '';
      const signer = Number(/^signer-(\d+)@/.exec(email)?.[1]);
      bySigner[signer] = key;
    }
    if (bySigner.filter(Boolean).length !== signers) throw new Error(`GnuPG made ${keys.length} keys, expected ${signers}`);
    return { keys: bySigner, keyring: Buffer.concat(binary) };
  } finally {
    for (const home of dirs) {
      await run('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']).catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    }
  }
}

/** Signs `jobs` ({ path, signer, text }) with openpgp.js in `threads` worker threads. */
async function signInWorkers(jobs, armoredSigners, threads) {
  const shares = Array.from({ length: threads }, (_, t) => jobs.filter((_, i) => i % threads === t));
  await Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL('./sign-worker.mjs', import.meta.url), { workerData: { signers: armoredSigners, jobs: share } });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`signing worker exited ${code}`)));
        }),
    ),
  );
}

/** 10,000 cleartext statements from 200 signers (80 RSA-2048, 40 RSA-4096, 80 Ed25519). */
export async function ensureCorpus10k(root, fresh, log) {
  const dir = join(root, `corpus-${STATEMENTS}`);
  const paths = { dir, keys: join(dir, 'keys'), docs: join(dir, 'docs'), keyring: join(dir, 'keyring.gpg') };
  const meta = fresh ? null : readMeta(dir);
  if (meta?.statements === STATEMENTS) return { ...paths, meta, generated: false };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(paths.keys, { recursive: true });
  mkdirSync(paths.docs, { recursive: true });
  const started = performance.now();
  log(`generating ${SIGNERS} keys with GnuPG (2 homes in parallel)…`);
  const { keys, keyring } = await generateWithGnuPG(SIGNERS, 2);
  const keySeconds = (performance.now() - started) / 1000;
  writeFileSync(paths.keyring, keyring);
  for (const [signer, key] of keys.entries()) writeFileSync(join(paths.keys, `signer-${String(signer).padStart(3, '0')}.asc`), key.toPublic().armor());

  log(`signing ${STATEMENTS} statements with openpgp.js (2 worker threads)…`);
  const signStarted = performance.now();
  const jobs = Array.from({ length: STATEMENTS }, (_, n) => ({
    path: join(paths.docs, `statement-${String(n).padStart(5, '0')}.txt`),
    signer: n % SIGNERS,
    text: statementText(n, n % SIGNERS, STATEMENTS),
  }));
  await signInWorkers(
    jobs,
    keys.map((key) => key.armor()),
    2,
  );
  const signSeconds = (performance.now() - signStarted) / 1000;

  const types = {};
  for (let signer = 0; signer < SIGNERS; signer++) types[keyTypeOf(signer)] = (types[keyTypeOf(signer)] ?? 0) + 1;
  const newMeta = {
    id: randomUUID(),
    statements: STATEMENTS,
    signers: SIGNERS,
    keyTypes: types,
    hash: 'SHA512',
    createdAt: new Date().toISOString(),
    keySeconds: +keySeconds.toFixed(1),
    signSeconds: +signSeconds.toFixed(1),
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(newMeta, null, 2) + '\n');
  return { ...paths, meta: newMeta, generated: true };
}

/** 100,000 documents: 10 hard links (copies if linking fails) with new names per statement. */
export async function ensureCorpus100k(root, base, fresh, log) {
  const dir = join(root, 'corpus-100000');
  const docs = join(dir, 'docs');
  const meta = fresh ? null : readMeta(dir);
  if (meta?.base === base.meta.id && meta.documents === 100_000) return { dir, docs, keys: base.keys, meta, generated: false };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(docs, { recursive: true });
  const started = performance.now();
  log('linking 100,000 documents (10 names per statement)…');
  let copied = 0;
  for (const name of readdirSync(base.docs).sort()) {
    const from = join(base.docs, name);
    for (let k = 0; k < 10; k++) {
      const to = join(docs, name.replace(/\.txt$/, `-${k}.txt`));
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
        copied++;
      }
    }
  }
  const newMeta = { base: base.meta.id, documents: 100_000, copied, seconds: +((performance.now() - started) / 1000).toFixed(1) };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(newMeta, null, 2) + '\n');
  return { dir, docs, keys: base.keys, meta: newMeta, generated: true };
}

export const NETWORK_USERS = 1000;

/** 1,000 Keybase users (userN, one Ed25519 key each) and one Markdown statement per user. */
export async function ensureNetworkCorpus(root, fresh, log) {
  const dir = join(root, 'network');
  const docs = join(dir, 'docs');
  const usersFile = join(dir, 'users.json');
  const meta = fresh ? null : readMeta(dir);
  if (meta?.users === NETWORK_USERS && existsSync(usersFile)) return { dir, docs, users: JSON.parse(readFileSync(usersFile, 'utf8')), meta, generated: false };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(docs, { recursive: true });
  const started = performance.now();
  log(`generating ${NETWORK_USERS} Ed25519 keys and statements for the Keybase imitation…`);
  const users = [];
  for (let n = 0; n < NETWORK_USERS; n++) {
    const username = `user${n}`;
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      subkeys: [],
      userIDs: [{ name: `Keybase User ${n}`, email: `${username}@pledge.example` }],
      format: 'object',
      config: SHA512,
    });
    const text = `I, Keybase User ${n}, sign this statement with the key my Keybase account lists.\n\n${PLEDGES[n % PLEDGES.length]}\n`;
    const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: privateKey, config: SHA512 });
    writeFileSync(join(docs, `${username}.md`), `---\ntitle: Statement of ${username}\nkeybase: ${username}\n---\n\n${signed}`);
    users.push({ username, fingerprint: privateKey.getFingerprint(), armored: privateKey.toPublic().armor() });
  }
  writeFileSync(usersFile, JSON.stringify(users) + '\n');
  const newMeta = { users: NETWORK_USERS, createdAt: new Date().toISOString(), seconds: +((performance.now() - started) / 1000).toFixed(1) };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(newMeta, null, 2) + '\n');
  return { dir, docs, users, meta: newMeta, generated: true };
}
