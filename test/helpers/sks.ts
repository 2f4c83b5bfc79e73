/**
 * Runs the real Debian `sks` keyserver on 127.0.0.1 (recipe in CONTRIBUTING.md):
 * a temporary base dir (Debian's sks prefixes every FHS path with -basedir),
 * `sks build` from a binary dump, then `sks db` in the background, polled
 * until a lookup of an absent key answers 404.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { accessSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SksOptions {
  /** Binary (not armored) keys, e.g. `key.write()`; may be empty. */
  binaryKeys: Uint8Array[];
}

export interface RunningSks {
  /** `http://127.0.0.1:<hkp port>` */
  origin: string;
  stop(): Promise<void>;
}

export interface SkippedSks {
  skipped: string;
}

export const SKS_SKIP_REASON = 'sks is not installed (apt-get install -y sks)';
const READY_PROBE = '/pks/lookup?op=get&options=mr&search=0x0000000000000000';
const READY_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 5;

/**
 * Why SKS tests must be skipped, or `undefined` when they can run. Synchronous,
 * for `it.skipIf`. With `PLEDGE_REQUIRE_SKS=1` it never skips (startSks throws).
 */
export function sksSkipReason(): string | undefined {
  if (findSks() || process.env['PLEDGE_REQUIRE_SKS'] === '1') return undefined;
  return SKS_SKIP_REASON;
}

export async function startSks(options: SksOptions): Promise<RunningSks | SkippedSks> {
  const sks = findSks();
  if (!sks) {
    if (process.env['PLEDGE_REQUIRE_SKS'] === '1') {
      throw new Error(`PLEDGE_REQUIRE_SKS=1 but ${SKS_SKIP_REASON}`);
    }
    return { skipped: SKS_SKIP_REASON };
  }

  const base = await mkdtemp(path.join(tmpdir(), 'pledge-sks-'));
  try {
    for (const dir of ['etc/sks', 'var/lib/sks', 'var/log/sks', 'var/run/sks', 'var/spool/sks', 'dump']) {
      await mkdir(path.join(base, dir), { recursive: true });
    }
    await writeFile(path.join(base, 'etc/sks/membership'), '');
    await writeFile(path.join(base, 'dump/0000.pgp'), Buffer.concat(options.binaryKeys.map((k) => Buffer.from(k))));
    await run(sks, ['build', path.join(base, 'dump/0000.pgp'), '-n', '10', '-cache', '100', '-basedir', base, '-stdoutlog'], base, 'build.log');

    let lastError: Error | undefined;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const [hkpPort, reconPort] = await freePorts(2);
      await writeFile(
        path.join(base, 'etc/sks/sksconf'),
        `hostname: localhost\nhkp_address: 127.0.0.1\nhkp_port: ${hkpPort}\nrecon_address: 127.0.0.1\nrecon_port: ${reconPort}\n`,
      );
      const logPath = path.join(base, `db-${attempt}.log`);
      const child = await spawnLogged(sks, ['db', '-basedir', base, '-stdoutlog'], base, logPath);
      const origin = `http://127.0.0.1:${hkpPort}`;
      const outcome = await waitReady(origin, child);
      if (outcome === 'ready') {
        return { origin, stop: once(() => stopDaemon(child, base)) };
      }
      await killChild(child);
      const log = await readFile(logPath, 'utf8').catch(() => '');
      lastError = new Error(`sks db did not become ready on port ${hkpPort} (${outcome}):\n${log.slice(-2000)}`);
      if (!/address already in use|EADDRINUSE|Failure while binding socket|Could not listen/i.test(log)) break;
    }
    throw lastError ?? new Error('sks db did not start');
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    throw error;
  }
}

/** The `sks` executable on PATH or in /usr/sbin (Debian installs it there, often off a user's PATH). */
function findSks(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'sks');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Ports the OS considers free right now (sks cannot bind port 0, so a race remains; callers retry). */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

async function run(command: string, args: string[], cwd: string, logName: string): Promise<void> {
  const logPath = path.join(cwd, logName);
  const child = await spawnLogged(command, args, cwd, logPath);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) {
    const log = await readFile(logPath, 'utf8').catch(() => '');
    throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${log.slice(-2000)}`);
  }
}

async function spawnLogged(command: string, args: string[], cwd: string, logPath: string): Promise<ChildProcess> {
  const log = await open(logPath, 'w');
  try {
    const child = spawn(command, args, { cwd, stdio: ['ignore', log.fd, log.fd] });
    child.on('error', () => {
      // reported through 'exit'/exitCode checks or the caller's own listener
    });
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    return child;
  } finally {
    await log.close();
  }
}

async function waitReady(origin: string, child: ChildProcess): Promise<'ready' | 'exited' | 'timeout'> {
  let exited = child.exitCode !== null;
  const markExited = (): void => {
    exited = true;
  };
  child.once('exit', markExited);
  child.once('error', markExited);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) return 'exited';
    try {
      const response = await fetch(origin + READY_PROBE, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      // Check the Server header too: if sks lost the port race, someone else may answer.
      if (response.status === 404 && (response.headers.get('server') ?? '').startsWith('sks_www')) return 'ready';
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'timeout';
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function stopDaemon(child: ChildProcess, base: string): Promise<void> {
  await killChild(child);
  await rm(base, { recursive: true, force: true });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
