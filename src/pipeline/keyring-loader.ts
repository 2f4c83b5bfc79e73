import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../core/limits.js';
import { loadKeyringFiles, type KeyringInput } from '../discovery/sources/keyring-files.js';
import { Keyring } from '../discovery/keyring.js';

/** The --keyring files of a run, parsed once into one Keyring; sources named relative to `base` (default: the working directory). */
export async function loadKeyring(paths: KeyringInput[], limits?: Partial<KeyLimits>, base?: string): Promise<Keyring> {
  const keyring = new Keyring();
  for (const candidate of await loadKeyringFiles(paths, { ...DEFAULT_KEY_LIMITS, ...limits }, base)) await keyring.add(candidate);
  return keyring;
}
