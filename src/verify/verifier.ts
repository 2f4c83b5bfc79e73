import type { ParsedSignature } from '../cleartext/parse-block.js';
import type { KeyCandidate } from '../discovery/key-source.js';
import { createPolicy, type Policy } from './policy.js';
import { VerificationMemory } from './verification-memory.js';
import { checkSignature, type SearchOutcome, type SignatureCheck } from './verify-signature.js';

/**
 * One run's verification: the policy it judges by and what it learns about keys on the way
 * (as sigstore-js's Verifier owns its trust material). Made once per run, or per worker
 * thread, and passed to whatever checks signatures; two runs never share what they learnt.
 */
export class Verifier {
  readonly memory = new VerificationMemory();

  constructor(readonly policy: Policy) {}

  check(signedText: string, signature: ParsedSignature, candidates: KeyCandidate[], search?: SearchOutcome): Promise<SignatureCheck> {
    return checkSignature(signedText, signature, candidates, this.policy, search, this.memory);
  }
}

/** A verifier with the default policy at `now`. */
export function createVerifier(now = new Date(), fastPath = true): Verifier {
  return new Verifier(createPolicy(now, fastPath));
}
