import { PledgeError } from '../core/reasons.js';
import type { KeyringInput } from '../discovery/sources/keyring-files.js';
import type { CommandContext } from './context.js';

/** The name standard input goes by, as gpgv and sqv take it: a document `-` is reported as `-`. */
export const STDIN = '-';

/** What `-` stood for on the command line: the document's bytes, or the keyring's. */
export interface StandardInput {
  texts?: ReadonlyMap<string, Uint8Array>;
  keyrings: KeyringInput[];
}

/** Reads all of stdin, refusing more than `limit` bytes (the document or key size limit) before holding it. */
async function readAll(stream: NodeJS.ReadableStream, limit: number, what: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > limit) throw new PledgeError('usage', `${what} from stdin is over the limit of ${limit} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * `pledge verify -` reads the document from stdin, `-k -` the keyring; stdin can be only one of
 * them. Read once, before any work, so a pipe that fails is a usage error, not a verdict.
 */
export async function standardInput(paths: string[], keyrings: string[], limits: { document: number; key: number }, context: CommandContext): Promise<StandardInput> {
  const document = paths.includes(STDIN);
  const keyring = keyrings.includes(STDIN);
  if (!document && !keyring) return { keyrings };
  if (document && keyring) throw new PledgeError('usage', 'stdin (-) can be the document or the keyring (-k -), not both');
  const stdin = context.streams.stdin;
  if (!stdin) throw new PledgeError('usage', 'no standard input to read - from');
  if (document) return { texts: new Map([[STDIN, await readAll(stdin, limits.document, 'the document')]]), keyrings };
  const bytes = await readAll(stdin, limits.key, 'the keyring');
  return { keyrings: keyrings.map((path) => (path === STDIN ? { name: STDIN, bytes } : path)) };
}
