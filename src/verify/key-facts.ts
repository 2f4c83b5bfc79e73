import { directSignaturesOf, keyExpirationSeconds, type PublicKey, type SignaturePacket, type Subkey } from '../openpgp/index.js';

/**
 * Answers about a key that depend on time only through comparisons with the times written in
 * the key (creation, self-signature and revocation dates, expirations), computed once per
 * stretch between two such times instead of once per signature. Batches of statements by the
 * same signer then pay openpgp.js's key checks once, not thousands of times.
 */
export class TimeClassMemo<V> {
  private readonly points: number[];
  private readonly answers = new Map<string, Promise<V>>();

  constructor(key: PublicKey) {
    this.points = changePoints(key);
  }

  /** The stretch `at` falls in: points before or at it, and whether it sits exactly on one. */
  private classOf(at: Date): string {
    const time = Math.floor(at.getTime() / 1000) * 1000; // openpgp.js compares whole seconds
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.points[middle]! <= time) low = middle + 1;
      else high = middle;
    }
    return `${low}:${low > 0 && this.points[low - 1] === time}`;
  }

  get(at: Date, compute: () => Promise<V>): Promise<V> {
    const cls = this.classOf(at);
    let answer = this.answers.get(cls);
    if (!answer) {
      answer = compute();
      this.answers.set(cls, answer);
    }
    return answer;
  }
}

function signatureTimes(signature: SignaturePacket | null | undefined, keyCreated: Date, into: number[]): void {
  if (!signature) return;
  if (signature.created) into.push(signature.created.getTime());
  const expires = signature.getExpirationTime();
  if (expires instanceof Date) into.push(expires.getTime());
  const keyExpiry = keyExpirationSeconds(signature);
  if (keyExpiry) into.push(keyCreated.getTime() + keyExpiry * 1000);
  signatureTimes(signature.embeddedSignature, keyCreated, into);
}

function changePoints(key: PublicKey): number[] {
  const times: number[] = [];
  const primaryCreated = key.getCreationTime();
  times.push(primaryCreated.getTime());
  for (const signature of [...directSignaturesOf(key), ...key.revocationSignatures]) signatureTimes(signature, primaryCreated, times);
  for (const user of key.users) for (const signature of [...user.selfCertifications, ...user.revocationSignatures]) signatureTimes(signature, primaryCreated, times);
  for (const subkey of key.subkeys as Subkey[]) {
    const created = subkey.getCreationTime();
    times.push(created.getTime());
    for (const signature of [...subkey.bindingSignatures, ...subkey.revocationSignatures]) signatureTimes(signature, created, times);
  }
  return [...new Set(times.filter(Number.isFinite))].sort((a, b) => a - b);
}

/** One memo per key object: a merged key (Keyring.update) is a new object, so nothing stale survives. */
export function memoFor<V>(cache: WeakMap<object, TimeClassMemo<V>>, key: PublicKey, part: object): TimeClassMemo<V> {
  let memo = cache.get(part);
  if (!memo) {
    memo = new TimeClassMemo<V>(key);
    cache.set(part, memo);
  }
  return memo;
}
