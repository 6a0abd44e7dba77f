import * as fc from 'fast-check';
import * as semver from 'semver';
import { UserError } from '../errors';
import { isValidTag } from './oci-tag';
import { compareVersions, formatVersion, parseVersion, versionTag, type Version } from './version';

const number = fc.integer({ min: 0, max: 100_000 });
const identifier = fc.oneof(number, fc.stringMatching(/^[0-9]*[A-Za-z-][0-9A-Za-z-]{0,8}$/));
const versions: fc.Arbitrary<Version> = fc.record({
  major: number,
  minor: number,
  patch: number,
  prerelease: fc.array(identifier, { maxLength: 4 }),
});

describe('versions', () => {
  it('round-trips format ∘ parse, with and without the v', () => {
    fc.assert(
      fc.property(versions, (version) => {
        expect(parseVersion(formatVersion(version))).toEqual(version);
        expect(parseVersion(versionTag(version))).toEqual(version);
        expect(isValidTag(versionTag(version))).toBe(true);
      }),
    );
  });

  it('orders like semver', () => {
    fc.assert(
      fc.property(versions, versions, (a, b) => {
        expect(Math.sign(compareVersions(a, b))).toBe(Math.sign(semver.compare(formatVersion(a), formatVersion(b))));
      }),
    );
    expect(compareVersions(parseVersion('1.0.0-rc.2'), parseVersion('1.0.0-rc.10'))).toBeLessThan(0);
    expect(compareVersions(parseVersion('1.0.0-rc.10'), parseVersion('v1.0.0'))).toBeLessThan(0);
  });

  it('parses numeric prerelease identifiers as numbers', () => {
    expect(parseVersion('v2.0.0-rc.1')).toEqual({ major: 2, minor: 0, patch: 0, prerelease: ['rc', 1] });
    expect(formatVersion(parseVersion('v1.2.3-feat-x.1'))).toBe('1.2.3-feat-x.1');
    expect(versionTag(parseVersion('1.2.3-rc.1'))).toBe('v1.2.3-rc.1');
  });

  it.each(['1.02.0', '01.2.3', '1.2', '1.2.3+build.5', 'V1.2.3', 'v1.2.3-', 'v1.2.3-rc.01', 'v1.2.3-a..b', ' 1.2.3', 'latest'])(
    'rejects %j with the rule',
    (input) => {
      expect(() => parseVersion(input)).toThrow(UserError);
      expect(() => parseVersion(input)).toThrow(
        `invalid version "${input}": expected v<MAJOR>.<MINOR>.<PATCH>[-<prerelease>] (SemVer 2, no leading zeros, no +build metadata)`,
      );
    },
  );

  it('rejects versions that cannot be a tag or a safe number', () => {
    expect(() => parseVersion(`1.0.0-${'a'.repeat(130)}`)).toThrow(/longer than the 128 characters OCI allows/);
    expect(() => parseVersion('1.0.99999999999999999')).toThrow(/numbers must be at most/);
  });
});
