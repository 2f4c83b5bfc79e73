import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { PledgeError } from '../core/reasons.js';
import { globProblem, shownGlob } from '../core/glob-shape.js';
import type { SourceName } from '../discovery/create-sources.js';

export const CONFIG_FILE = 'pledge.config.json';

export type StatementRule = string | string[] | { template: string };
export type Severity = 'error' | 'warning' | 'off';

/** pledge.config.json, as schema/pledge-config.schema.json describes it. */
export interface RepositoryConfig {
  documents: string[];
  exclude?: string[];
  keys?: string;
  offline?: boolean;
  sources?: SourceName[];
  keyservers?: string[];
  keybaseUrl?: string;
  vksUrl?: string;
  wkdOrigin?: string;
  githubUrl?: string;
  statement?: StatementRule;
  minSignatures?: number;
  allowedSigners?: string;
  identity?: { keybase?: boolean; github?: boolean; email?: boolean; fingerprint?: boolean };
  duplicateSigner?: Severity;
  replayedSignature?: Severity;
  appendOnly?: boolean;
  manifest?: string;
  redact?: boolean;
}

export interface LoadedConfig {
  /** The folder holding the file: paths in it are relative to this. */
  root: string;
  path: string;
  config: RepositoryConfig;
}

/** The nearest pledge.config.json in `from` or a folder above it. */
export function findConfig(from: string): string | null {
  for (let directory = resolve(from); ; directory = dirname(directory)) {
    const candidate = join(directory, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) return null;
  }
}

let validate: ReturnType<Ajv2020['compile']> | null = null;

function validator() {
  if (!validate) {
    const schema = JSON.parse(readFileSync(new URL('../../schema/pledge-config.schema.json', import.meta.url), 'utf8')) as object;
    // Loaded on first use: runs without a repository config never pay for Ajv. Strict, as a
    // consumer's Ajv would be: a schema mistake fails here, not silently in someone's editor.
    const { Ajv2020: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return validate;
}

/** Parses and validates a config's text; every problem names `label` (the file) and the field. */
export function parseConfig(text: string, label: string): RepositoryConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PledgeError('usage', `${label}: not valid JSON: ${(error as Error).message}`);
  }
  const check = validator();
  if (!check(data)) {
    const problems = (check.errors ?? []).map((error) => {
      const field = error.instancePath || '(top level)';
      const extra = error.params && 'additionalProperty' in error.params ? ` "${String(error.params.additionalProperty)}"` : '';
      const allowed = error.params && 'allowedValues' in error.params ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : '';
      return `  ${field}: ${error.message}${extra}${allowed}`;
    });
    throw new PledgeError('usage', `${label} is not a valid pledge config:\n${[...new Set(problems)].join('\n')}`);
  }
  const config = data as RepositoryConfig;
  const globs = (['documents', 'exclude'] as const).flatMap((field) => (config[field] ?? []).map((glob, index) => [`/${field}/${index}`, glob] as const));
  const refused = globs.flatMap(([field, glob]) => {
    const problem = globProblem(glob);
    return problem ? [`  ${field}: the glob ${shownGlob(glob)} ${problem}`] : [];
  });
  if (refused.length) throw new PledgeError('usage', `${label} is not a valid pledge config:\n${refused.join('\n')}`);
  return config;
}

/** Reads and validates a config file; every problem names the file and the field. */
export function loadConfig(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new PledgeError('usage', `${path}: ${why}`);
  }
  return { root: dirname(resolve(path)), path, config: parseConfig(text, path) };
}
