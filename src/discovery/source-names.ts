// The source names alone, without the sources: the CLI's option table needs them to print
// --help, and loading the sources would bring openpgp.js along (see cli/main.ts).
export const SOURCE_NAMES = ['vks', 'keybase', 'hkp', 'wkd', 'github', 'url'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** keys.openpgp.org first: it publishes only verified addresses and passes on revocations. */
export const DEFAULT_SOURCE_ORDER: SourceName[] = ['vks', 'keybase', 'hkp', 'wkd', 'github', 'url'];
