import * as fc from 'fast-check';
import * as semver from 'semver';
import { UserError } from '../errors';
import { MAX_BRANCH_LENGTH, sanitizeBranch } from './branch';
import { isValidTag, MAX_TAG_LENGTH } from './oci-tag';
import { branchTag } from './tag-format';

// Git branch names in practice, plus arbitrary text (unicode, symbols, very long).
const branchNames = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9/._+@#-]{1,200}$/),
  fc.string({ unit: 'grapheme', maxLength: 150 }),
  fc.string({ unit: 'binary', maxLength: 150 }),
  fc.constantFrom('007', '42', 'rc', 'ALPHA', 'deadbee', 'Deadbee', '1234567', 'feature/0123'),
);
const hex7 = fc.stringMatching(/^[0-9a-f]{7}$/);

/** The branch sanitized, or null when nothing is left of it (the UserError case). */
function sanitizedOrNull(branch: string, maxLength?: number): string | null {
  try {
    return sanitizeBranch(branch, maxLength);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect(branch.toLowerCase()).not.toMatch(/[a-z0-9]/);
    return null;
  }
}

describe('sanitizeBranch', () => {
  it('gives a valid OCI tag fragment and a single valid semver prerelease identifier', () => {
    fc.assert(
      fc.property(branchNames, (branch) => {
        const name = sanitizedOrNull(branch);
        if (name === null) return;
        expect(name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
        expect(name.length).toBeLessThanOrEqual(MAX_BRANCH_LENGTH);
        expect(isValidTag(name)).toBe(true);
        const version = semver.parse(`1.0.0-${name}`);
        expect(version?.prerelease).toEqual([name]);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent, for any maxLength', () => {
    fc.assert(
      fc.property(branchNames, fc.integer({ min: 1, max: 130 }), (branch, maxLength) => {
        const once = sanitizedOrNull(branch, maxLength);
        if (once === null) return;
        expect(once.length).toBeLessThanOrEqual(maxLength);
        expect(sanitizeBranch(once, maxLength)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the full branch tag within 128 characters and valid', () => {
    fc.assert(
      fc.property(branchNames, hex7, hex7, (branch, dirty7, client7) => {
        if (sanitizedOrNull(branch) === null) return;
        const tag = branchTag(branch, dirty7, client7);
        expect(tag.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);
        expect(isValidTag(tag)).toBe(true);
      }),
    );
  });

  it.each([
    ['Feature/JIRA-123_add  thing', 'feature-jira-123-add-thing'],
    ['--main--', 'main'],
    ['fix-/a', 'fix--a'],
    ['release/1.2', 'release-1-2'],
    ['007', 'branch-007'],
    ['42', 'branch-42'],
    ['rc', 'branch-rc'],
    ['Deadbee', 'branch-deadbee'],
    ['deadbeef', 'deadbeef'],
  ])('sanitizes %j to %j', (branch, expected) => {
    expect(sanitizeBranch(branch)).toBe(expected);
  });

  it('names a detached HEAD "detached"', () => {
    expect(sanitizeBranch(null)).toBe('detached');
    expect(branchTag(null, '0000000', 'abcdef1')).toBe('detached-0000000-abcdef1');
  });

  it('cuts long names, then trims the dash the cut exposed', () => {
    expect(sanitizeBranch('a'.repeat(111) + '-b-c')).toBe('a'.repeat(111));
    expect(sanitizeBranch('x'.repeat(300))).toHaveLength(MAX_BRANCH_LENGTH);
  });

  it('refuses a name with nothing left, naming the branch and the rule', () => {
    expect(() => sanitizeBranch('///___')).toThrow(UserError);
    expect(() => sanitizeBranch('///___')).toThrow(
      'branch "///___" has nothing left for a tag: branch names are lowercased, runs of characters outside [a-z0-9-] become "-" and leading/trailing "-" are dropped',
    );
    expect(() => sanitizeBranch('')).toThrow(UserError);
  });
});
