import type { Keyring } from '../discovery/keyring.js';
import type { RepositoryConfig } from '../repo/load-config.js';
import type { ManifestSignature, SignatureClaims } from '../report/manifest.js';
import type { Policy } from '../verify/policy.js';
import { Verifier } from '../verify/verifier.js';
import { createDiscovery, type DiscoveryRequest } from './create-discovery.js';
import { claimsOf } from './describe-document.js';
import { judgeWith } from './judge-signature.js';
import type { Judging } from './plan.js';

/** Signatures judged against keys: the run's keyring and discovery, and a repository's rules when it has some. */
export function verifyingJudge(keyring: () => Promise<Keyring>, request: DiscoveryRequest | undefined, policy: Policy, rules?: RepositoryConfig): () => Promise<Judging<ManifestSignature>> {
  return async () => {
    const { discovery, close } = await createDiscovery(await keyring(), request, policy.now);
    return { judge: judgeWith(discovery, new Verifier(policy), rules), lookups: () => discovery.lookups, close };
  };
}

/** What each signature claims, nothing checked, no keys (`pledge inspect`). */
export async function claimsOnly(): Promise<Judging<SignatureClaims>> {
  return { judge: async (_text, signature) => claimsOf(signature), lookups: () => [], close: async () => undefined };
}
