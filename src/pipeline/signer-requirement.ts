import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PledgeError } from '../core/reasons.js';
import { normaliseFingerprint, parseSignerList, requirementOf, type SignerRequirement } from '../verify/threshold.js';

/** What `verify` was told about signers on its command line. */
export interface SignerOptions {
  minSignatures?: number;
  signer?: string[];
  signerFile?: string[];
}

/** --min-signatures, --signer and --signer-file as one requirement (null: none given), checked before any work. */
export function signerRequirement(options: SignerOptions, cwd: string): SignerRequirement | null {
  const listed = (options.signer?.length ?? 0) + (options.signerFile?.length ?? 0) > 0;
  const allowed = listed ? new Set<string>() : null;
  for (const given of options.signer ?? []) {
    const fingerprint = normaliseFingerprint(given);
    if (!fingerprint) throw new PledgeError('usage', `--signer ${given}: not a key fingerprint (40 or 64 hexadecimal digits)`);
    allowed!.add(fingerprint);
  }
  for (const file of options.signerFile ?? []) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new PledgeError('usage', `--signer-file ${file}: ${why}`);
    }
    for (const fingerprint of parseSignerList(text, `--signer-file ${file}`)) allowed!.add(fingerprint);
  }
  if (allowed && allowed.size === 0) throw new PledgeError('usage', '--signer-file: the signer list names no fingerprint, so no signature could count');
  const requirement = requirementOf(options.minSignatures, allowed);
  // Fingerprints of subkeys may share a primary key, so only a list too short for any reading is refused.
  if (requirement && allowed && requirement.minSignatures > allowed.size)
    throw new PledgeError('usage', `--min-signatures ${requirement.minSignatures}: the signer list names only ${allowed.size} key(s)`);
  return requirement;
}
