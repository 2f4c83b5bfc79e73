import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { REPO } from './run-cli.js';

const schema = JSON.parse(readFileSync(join(REPO, 'schema/manifest-v1.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

/** Asserts a manifest matches the committed JSON Schema (schema/manifest-v1.schema.json). */
export function expectValidManifest(manifest: unknown): void {
  expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
}
