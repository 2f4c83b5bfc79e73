import type { Manifest } from '../report/manifest.js';
import type { KeyringInput } from '../discovery/sources/keyring-files.js';
import { verifyDocuments, type VerifyRequest } from './run.js';

export interface VerifyTextOptions extends Pick<VerifyRequest, 'version' | 'now' | 'limits' | 'discovery' | 'fastPath' | 'signal'> {
  /** Key files or folders, or key bytes ({ name, bytes }) (default none: with no `discovery`, no key is found). */
  keyrings?: KeyringInput[];
  /** The name the document is reported under (default "-"); a .md or .html name reads it as Markdown or HTML. */
  name?: string;
}

/** Verifies a document held in memory (a string is UTF-8 encoded): the same pipeline as a file, nothing read from disk but the keyrings. */
export async function verifyText(text: string | Uint8Array, options: VerifyTextOptions = {}): Promise<Manifest> {
  const { name = '-', keyrings = [], ...rest } = options;
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return verifyDocuments({ ...rest, paths: [name], texts: new Map([[name, bytes]]), keyrings });
}
