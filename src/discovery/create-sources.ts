import type { KeySource } from './key-source.js';
import { createGithubSource } from './sources/github.js';
import { createHkpSource, hkpBaseURL } from './sources/hkp.js';
import { createKeybaseSource } from './sources/keybase.js';
import { createKeyURLSource } from './sources/key-url.js';
import { createVksSource } from './sources/vks.js';
import { createWkdSource } from './sources/wkd.js';
import type { SourceName } from './source-names.js';

export { DEFAULT_SOURCE_ORDER, SOURCE_NAMES, type SourceName } from './source-names.js';
export const DEFAULT_KEYSERVERS = ['hkps://keyserver.ubuntu.com'];

export interface SourceOptions {
  order: SourceName[];
  keybaseURL?: string;
  vksURL?: string;
  keyservers: string[];
  wkdOrigin?: string;
  githubURL?: string;
}

/** The network sources, in the order given (pacote-style factory: one switch, one file each). */
export function createSources(options: SourceOptions): KeySource[] {
  return options.order.flatMap((name): KeySource[] => {
    switch (name) {
      case 'vks':
        return [createVksSource(options.vksURL)];
      case 'keybase':
        return [createKeybaseSource(options.keybaseURL)];
      case 'hkp':
        return options.keyservers.map((keyserver) => createHkpSource(keyserver));
      case 'wkd':
        return [createWkdSource(options.wkdOrigin)];
      case 'github':
        return [createGithubSource(options.githubURL)];
      case 'url':
        return [createKeyURLSource()];
    }
  });
}

/** Hosts the user named on the command line: the only ones allowed on loopback or plain http. */
export function namedHosts(options: Omit<SourceOptions, 'order'>): string[] {
  const urls = [options.keybaseURL, options.vksURL, options.wkdOrigin, options.githubURL, ...options.keyservers.map(hkpBaseURL)];
  const hosts = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      hosts.add(new URL(url).host);
    } catch {
      // reported when the source is created
    }
  }
  return [...hosts];
}
