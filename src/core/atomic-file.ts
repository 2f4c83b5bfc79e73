import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type Rename = (from: string, to: string) => Promise<void>;

/** Errors Windows gives while another process (an antivirus, an indexer, a reader) holds the target open: gone moments later. */
const TRANSIENT = new Set(['EPERM', 'EBUSY', 'EACCES']);
/** The pauses before each retry: half a second in all, then the error stands. */
const RETRY_DELAYS_MS = [10, 40, 100, 350];

/**
 * rename, retried a few times with a growing pause on Windows' transient refusals. Retried on
 * every system: elsewhere those errors last (a read-only folder), and the retries only delay the
 * same error by half a second.
 */
export async function renameRetrying(from: string, to: string, renameFile: Rename = rename): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await renameFile(from, to);
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !TRANSIENT.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await sleep(delay);
    }
  }
}

/**
 * A file written in pieces that readers see whole or not at all: the pieces go to a temporary
 * file beside the target, which is flushed and renamed over it only on `commit`. `abort` (a
 * failure, Ctrl-C) removes the temporary file and leaves any old target untouched.
 */
export class AtomicFile {
  private constructor(
    private readonly path: string,
    private readonly temporary: string,
    private readonly handle: FileHandle,
    private readonly renameFile: Rename,
  ) {}

  /** `renameFile` is for tests: a rename that fails as Windows' do. */
  static async open(path: string, renameFile: Rename = rename): Promise<AtomicFile> {
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    return new AtomicFile(path, temporary, await open(temporary, 'wx', 0o644), renameFile);
  }

  async write(chunk: string): Promise<void> {
    await this.handle.write(chunk, null, 'utf8');
  }

  async commit(): Promise<void> {
    try {
      await this.handle.sync();
      await this.handle.close();
      await renameRetrying(this.temporary, this.path, this.renameFile);
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.temporary, { force: true });
  }
}

/** The whole content at once, atomically. */
export async function writeFileAtomic(path: string, content: string, renameFile: Rename = rename): Promise<void> {
  const file = await AtomicFile.open(path, renameFile);
  try {
    await file.write(content);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}
