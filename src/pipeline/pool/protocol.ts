import type { KeyringInput } from '../../discovery/sources/keyring-files.js';
import type { KeyLimits, Limits } from '../../core/limits.js';

/*
 * What the main thread (pool.ts) and a verifying worker (worker.ts) say to each other: the
 * one module both import, so neither end imports the other.
 */

/** What a worker is started with: everything it needs to judge documents on local keys. */
export interface WorkerSetup {
  keyrings: KeyringInput[];
  keyLimits: Partial<KeyLimits>;
  limits: Limits;
  now: number;
  fastPath: boolean;
  /** Offline runs may use the cache in workers too; online, only the main thread asks anything. */
  offline: boolean;
  cacheDirectory: string | null;
}

/** One document to judge. */
export interface WorkerRequest {
  id: number;
  path: string;
  walked: boolean;
}

/** The judged document (a ManifestDocument), a document whose key is not local, or a failure met on it. */
export type WorkerReply = { id: number; document: unknown } | { id: number; needsMain: true } | { id: number; error: string };
