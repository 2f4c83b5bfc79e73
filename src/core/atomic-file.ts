import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
  ) {}

  static async open(path: string): Promise<AtomicFile> {
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    return new AtomicFile(path, temporary, await open(temporary, 'wx', 0o644));
  }

  async write(chunk: string): Promise<void> {
    await this.handle.write(chunk, null, 'utf8');
  }

  async commit(): Promise<void> {
    try {
      await this.handle.sync();
      await this.handle.close();
      await rename(this.temporary, this.path);
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
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const file = await AtomicFile.open(path);
  try {
    await file.write(content);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}
