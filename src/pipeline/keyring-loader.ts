import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../core/limits.js';
import { loadKeyringFiles } from '../discovery/sources/keyring-files.js';
import { Keyring } from '../discovery/keyring.js';

/** The --keyring files of a run, parsed once into one Keyring. */
export async function loadKeyring(paths: string[], limits?: Partial<KeyLimits>): Promise<Keyring> {
  const keyring = new Keyring();
  for (const candidate of await loadKeyringFiles(paths, { ...DEFAULT_KEY_LIMITS, ...limits })) await keyring.add(candidate);
  return keyring;
}
