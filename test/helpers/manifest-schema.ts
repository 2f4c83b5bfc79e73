import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { REPO } from './run-cli.js';

const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2020) => Ajv2020;

/**
 * Ajv as a consumer would use it: its default strict mode with every strict check an error
 * (a warning throws too) and the standard formats (date-time, uri…) enforced (issue 20 #11).
 */
export function strictAjv(): Ajv2020 {
  const fail = (message: unknown) => {
    throw new Error(`schema is not strict-clean: ${String(message)}`);
  };
  return addFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: true, logger: { log: () => undefined, warn: fail, error: fail } }));
}

export const schemaAt = (path: string): object => JSON.parse(readFileSync(join(REPO, path), 'utf8'));

const validate = strictAjv().compile(schemaAt('schema/manifest-v1.schema.json'));

/** Asserts a manifest matches the committed JSON Schema (schema/manifest-v1.schema.json), strictly. */
export function expectValidManifest(manifest: unknown): void {
  expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
}

/** The same check as a boolean, for controls that must fail. */
export const manifestIsValid = (manifest: unknown): boolean => validate(manifest) === true;
