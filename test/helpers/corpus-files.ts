import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './run-cli.js';

/** Every fixture document and every real-world document (fixtures/realworld/*\/doc*, copied from ../shared). */
export function fixtureAndRealWorldDocuments(): string[] {
  const realworld = join(REPO, 'fixtures/realworld');
  return [
    ...readdirSync(join(REPO, 'fixtures/documents')).map((name) => join(REPO, 'fixtures/documents', name)),
    ...readdirSync(realworld, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        readdirSync(join(realworld, entry.name))
          .filter((name) => name.startsWith('doc'))
          .map((name) => join(realworld, entry.name, name)),
      ),
  ];
}
