import * as fc from 'fast-check';
import { UserError } from '../errors';
import { sanitizeBranch } from './branch';
import { classifyTag, isCleanableKind, type TagKind } from './classify';
import { isValidTag } from './oci-tag';
import { PREIDS } from './preid';
import { branchReleaseVersion, prereleaseVersion } from './release-version';
import {
  adhocTag,
  branchTag,
  clientMajorTag,
  clientPackageTag,
  environmentTag,
  gitReleaseTag,
  MAX_RELEASE_TAG_LENGTH,
  parseGitReleaseTag,
  serverPackageTag,
} from './tag-format';
import { parseVersion, versionTag, type Version } from './version';

const hex7 = fc.stringMatching(/^[0-9a-f]{7}$/);
const branches = fc
  .oneof(fc.stringMatching(/^[A-Za-z0-9/._-]{1,200}$/), fc.constantFrom('rc', '007', 'abcdef1', 'env-prod', 'latest', 'v1.0.0'))
  .filter((branch) => /[a-z0-9]/i.test(branch));
const number = fc.integer({ min: 0, max: 1_000_000 });
const stable: fc.Arbitrary<Version> = fc.record({ major: number, minor: number, patch: number, prerelease: fc.constant([]) });

describe('classifyTag', () => {
  it('recognizes adhoc tags, with their parts', () => {
    fc.assert(
      fc.property(hex7, hex7, hex7, (git7, dirty7, client7) => {
        expect(classifyTag(adhocTag(git7, dirty7, client7))).toEqual({ kind: 'adhoc', git7, dirty7, client7 });
      }),
    );
  });

  it('recognizes branch tags for any branch, even ones that look like other kinds', () => {
    fc.assert(
      fc.property(branches, hex7, hex7, (branch, dirty7, client7) => {
        expect(classifyTag(branchTag(branch, dirty7, client7))).toEqual({
          kind: 'branch',
          branch: sanitizeBranch(branch),
          dirty7,
          client7,
        });
      }),
    );
  });

  it('recognizes releases, prereleases and branch releases', () => {
    fc.assert(
      fc.property(stable, fc.constantFrom(...PREIDS), fc.integer({ min: 1, max: 999 }), (version, preid, n) => {
        expect(classifyTag(versionTag(version))).toEqual({ kind: 'release', version });
        const pre = prereleaseVersion(version, preid, n);
        expect(classifyTag(versionTag(pre))).toEqual({ kind: 'prerelease', version: pre });
      }),
    );
    fc.assert(
      fc.property(stable, branches, fc.integer({ min: 0, max: 99_999 }), (version, branch, n) => {
        const preview = branchReleaseVersion(version, branch, n);
        const tag = versionTag(preview);
        expect(isValidTag(tag)).toBe(true);
        // Its package tags too: a release pushes them after the version tag.
        expect(isValidTag(clientPackageTag(preview)) && isValidTag(serverPackageTag(preview))).toBe(true);
        expect(parseVersion(tag)).toEqual(preview);
        expect(classifyTag(tag)).toEqual({ kind: 'branch-release', version: preview, branch: preview.prerelease[0] });
      }),
    );
  });

  it('cuts a long branch so that even the client package tag of a large version fits', () => {
    const preview = branchReleaseVersion(parseVersion('10.10.10'), `feature/${'x'.repeat(200)}`, 99_999);
    expect(versionTag(preview).length).toBeLessThanOrEqual(MAX_RELEASE_TAG_LENGTH);
    expect(clientPackageTag(preview)).toHaveLength(128);
  });

  it('numbers branch-release lines after the bare one', () => {
    const next = parseVersion('1.3.0');
    expect(versionTag(branchReleaseVersion(next, 'feat/X'))).toBe('v1.3.0-feat-x');
    expect(versionTag(branchReleaseVersion(next, 'feat/X', 1))).toBe('v1.3.0-feat-x.1');
    expect(versionTag(branchReleaseVersion(next, 'rc', 2))).toBe('v1.3.0-branch-rc.2');
    expect(versionTag(prereleaseVersion(parseVersion('2.0.0'), 'rc', 1))).toBe('v2.0.0-rc.1');
  });

  it('recognizes packages, latest and environments', () => {
    fc.assert(
      fc.property(stable, (version) => {
        expect(classifyTag(serverPackageTag(version))).toEqual({ kind: 'server-package', version });
        expect(classifyTag(clientPackageTag(version))).toEqual({ kind: 'client-package', version });
        expect(classifyTag(clientMajorTag(version.major))).toEqual({ kind: 'client-package', major: version.major });
      }),
    );
    expect(serverPackageTag(parseVersion('1.2.1'))).toBe('pkg-v1.2.1');
    expect(clientPackageTag(parseVersion('1.2.1'))).toBe('client-v1.2.1');
    expect(classifyTag('latest')).toEqual({ kind: 'latest' });
    expect(classifyTag(environmentTag('prod'))).toEqual({ kind: 'environment', environment: 'prod' });
  });

  it.each([
    'v1.0.0-foo.bar',
    'v1.0.0-rc',
    'v1.0.0-007',
    'v1.0.0-feat-x.0',
    'v01.0.0',
    '1.0.0',
    'pkg-1.0.0',
    'client-v01',
    'env-',
    'abcdef1-0000000-123456g',
    'Main-0000000-abcdef1',
    '-bad',
    'x'.repeat(129),
  ])('leaves %j as other', (tag) => {
    expect(classifyTag(tag).kind).toBe('other');
  });

  it('lets clean delete only adhoc, branch and placeholder tags', () => {
    const all: TagKind[] = [
      'adhoc', 'branch', 'release', 'branch-release', 'prerelease', 'server-package',
      'client-package', 'latest', 'environment', 'placeholder', 'other',
    ];
    expect(all.filter(isCleanableKind)).toEqual(['adhoc', 'branch', 'placeholder']);
  });
});

describe('tag builders', () => {
  it('refuses malformed hash parts: a bug, not user input', () => {
    expect(() => adhocTag('ABCDEF1', '0000000', '1234567')).toThrow('git7 must be 7 lowercase hex digits');
    expect(() => branchTag('main', '000000', '1234567')).toThrow('dirty7 must be 7 lowercase hex digits');
  });

  it('refuses environment names that cannot be a tag', () => {
    expect(() => environmentTag('pro d')).toThrow(UserError);
    expect(() => environmentTag('')).toThrow('invalid environment name "": expected characters in [A-Za-z0-9._-], at most 121');
    // The history tag `envlog-<name>` is the longer one: 121 characters fit it, 122 would not.
    expect(environmentTag('e'.repeat(121))).toHaveLength(125);
    expect(isValidTag(`envlog-${'e'.repeat(121)}`)).toBe(true);
    expect(() => environmentTag('e'.repeat(122))).toThrow(/at most 121/);
    // It would be the branch tag of branch `env-a`, and clean would remove it.
    expect(classifyTag('env-a-0000000-1234567').kind).toBe('branch');
    expect(() => environmentTag('a-0000000-1234567')).toThrow('invalid environment name "a-0000000-1234567": a name ending in -<7 hex>-<7 hex> would read as a branch tag; choose another');
    expect(classifyTag(environmentTag('a-0000000'))).toEqual({ kind: 'environment', environment: 'a-0000000' });
  });

  it('round-trips git release tags of one resource only', () => {
    const version = parseVersion('1.2.1');
    expect(gitReleaseTag('ham', version)).toBe('mdl-ham-v1.2.1');
    expect(parseGitReleaseTag('ham', 'mdl-ham-v1.2.1')).toEqual(version);
    expect(parseGitReleaseTag('ham', 'mdl-ham-vv1.2.1')).toBeUndefined();
    expect(parseGitReleaseTag('ham', 'mdl-hamster-v1.2.1')).toBeUndefined();
    expect(parseGitReleaseTag('ham', 'mdl-ham-v2-v1.0.0')).toBeUndefined();
  });
});
