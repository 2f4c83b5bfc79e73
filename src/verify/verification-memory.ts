import type { PreparedKeys } from './fast-verify.js';
import type { TimeClassMemo } from './key-facts.js';
import type { KeyCheckMemory } from './key-signatures.js';
import type { KeyPartFacts, PolicyMemory } from './policy.js';

/**
 * What one run of verification remembers about the keys it meets, owned by that run's Verifier
 * (verifier.ts) rather than by modules, so that nothing learnt in one run (or under one policy)
 * reaches another. Every entry is keyed by an openpgp.js key, key part or key packet object and
 * held weakly: a merged key (Keyring.update) is a new object, so nothing stale survives. None
 * changes a verdict, only how often the same question is asked (the fast path; see policy.ts).
 */
export class VerificationMemory implements PolicyMemory, KeyCheckMemory {
  /** fast-verify.ts: a node:crypto key per key packet (null: the fast path does not handle it). */
  readonly preparedKeys: PreparedKeys = new WeakMap();
  /** key-signatures.ts: the key's own signatures checked with node:crypto, once per key. */
  readonly keyChecks = new WeakMap<object, Promise<void> | null>();
  /** key-history.ts: keys whose revocations from the future were dropped. */
  readonly pruned = new WeakSet<object>();
  /** policy.ts. */
  readonly algorithmInfos = new WeakMap<object, { bits?: number; curve?: string }>();
  readonly facts = new WeakMap<object, Promise<KeyPartFacts>>();
  readonly capability = new WeakMap<object, TimeClassMemo<boolean>>();
  readonly expiry = new WeakMap<object, TimeClassMemo<{ expiry: Date; of: string } | null>>();
  /** verify-signature.ts: the user IDs a key certifies, per stretch of time. */
  readonly userIDs = new WeakMap<object, TimeClassMemo<string[]>>();
}
