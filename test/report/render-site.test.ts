/** How the signers page splits a user ID into a name and an address (report/render-site.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitUserID } from '../../src/report/render-site.js';

/**
 * What the page used before: the same split by one regular expression, quadratic on a user ID of
 * spaces. With one deliberate difference, the `s` flag: the old expression's `.` stopped at a line
 * break, so a user ID with one inside its name ("Ada\nLovelace <ada@example.org>") showed no address,
 * while verification reads that address (verify-signature.ts, a user ID ending in `<email>`).
 * The page now agrees with verification; fast-check found the case.
 */
function byRegex(userID: string): { name: string | null; email: string | null } {
  const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/s.exec(userID);
  if (!match) return { name: userID.trim() || null, email: null };
  return { name: match[1]!.trim() || null, email: match[2]! };
}

describe('splitUserID', () => {
  it('reads name and address as people write them; no address, or one that is not one, leaves a name', () => {
    expect(splitUserID('Ada Lovelace <ada@example.org>')).toEqual({ name: 'Ada Lovelace', email: 'ada@example.org' });
    expect(splitUserID('<ada@example.org>')).toEqual({ name: null, email: 'ada@example.org' });
    expect(splitUserID('Ada (work) <a@b>  ')).toEqual({ name: 'Ada (work)', email: 'a@b' });
    expect(splitUserID('Ada Lovelace')).toEqual({ name: 'Ada Lovelace', email: null });
    expect(splitUserID('Ada <not an address>')).toEqual({ name: 'Ada <not an address>', email: null });
    expect(splitUserID('Ada <a@b> trailing')).toEqual({ name: 'Ada <a@b> trailing', email: null });
    expect(splitUserID('   ')).toEqual({ name: null, email: null });
    // A line break in the name: the address is still the address, as verification reads it.
    expect(splitUserID('\nAda\n <ada@example.org>')).toEqual({ name: 'Ada', email: 'ada@example.org' });
  });

  it('agrees with the regular expression it replaced on user IDs made of the characters that matter', () => {
    const userID = fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\u00a0', '\n', '<', '>', '@', '.', 'é'), maxLength: 40 });
    fc.assert(
      fc.property(userID, (id) => {
        expect(splitUserID(id)).toEqual(byRegex(id));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads a user ID of a megabyte of spaces in one pass (the regular expression took minutes)', () => {
    const huge = `a${' '.repeat(1024 * 1024)}x`;
    expect(splitUserID(huge)).toEqual({ name: huge.trim(), email: null });
    expect(splitUserID(`${huge} <m@example.org>`)).toEqual({ name: huge.trim(), email: 'm@example.org' });
  });
});
