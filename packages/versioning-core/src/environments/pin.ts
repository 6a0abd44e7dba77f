import { UserError } from '../errors';
import { MediaTypes, parseManifest, type Repository } from '../oci';
import { classifyTag, isReleaseKind, serverPackageTag, tryParseVersion, versionTag, VERSION_RULE } from '../tags';
import type { EnvironmentTarget } from './envlog';
import type { VersionWeight } from './weights';

const LISTED = 10;

/**
 * Pins each version of a split to the digests its tags hold now: the release manifest (which
 * must exist and be a resource release) and its server package, if any. Reads only; a version
 * that is not a release is refused with what is available.
 */
export async function pinTargets(repo: Repository, resource: string, weights: VersionWeight[]): Promise<EnvironmentTarget[]> {
  let available: string[] | undefined;
  const releases = async () => (available ??= (await repo.listTags()).filter((tag) => isReleaseKind(classifyTag(tag).kind)));
  return Promise.all(
    weights.map(async ({ version, weight }) => {
      const fetched = await repo.fetchManifest(version);
      if (!fetched) throw unknownVersion(resource, version, repo, await releases());
      const manifest = parseManifest(fetched.bytes, `${repo.reference}:${version}`);
      if (manifest.artifactType !== MediaTypes.resourceArtifact) {
        throw new UserError(`${repo.reference}:${version} is not a release of ${resource}: its artifactType is ${manifest.artifactType ?? 'missing'}`);
      }
      const pkg = await repo.resolve(serverPackageTag(tryParseVersion(version)!));
      return { version, weight, digest: fetched.descriptor.digest, package: pkg?.digest ?? null };
    }),
  );
}

/** A release version as typed (`v1.1.0` or `1.1.0`), in tag form; adhoc and branch tags are refused by name. */
export function releaseVersionArgument(text: string): string {
  const kind = classifyTag(text).kind;
  if (kind === 'adhoc' || kind === 'branch') {
    throw new UserError(`"${text}" is an adhoc version: only releases can go to an environment (release it first, e.g. nx run <resource>:release)`);
  }
  const version = tryParseVersion(text);
  if (!version) throw new UserError(`invalid version "${text}": ${VERSION_RULE}`);
  return versionTag(version);
}

function unknownVersion(resource: string, version: string, repo: Repository, releases: string[]): UserError {
  const sorted = releases.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  const shown = sorted.length > LISTED ? [...sorted.slice(0, LISTED), '…'] : sorted;
  return new UserError(`unknown version ${version} of ${resource}: ${repo.reference} has no such release; releases there: ${shown.join(', ') || 'none'}`);
}
